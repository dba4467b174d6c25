import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../../errors.ts';
import { FAULT_KINDS, FAULT_OPTION_SYNTAX, MALFORMED_SHAPES, parseFaultOption, startSimServer } from '../../../sim/index.ts';

interface ServeArgs {
  port: number;
  host: string;
  seed: number;
  latency: boolean;
  fault: string[];
}

const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the sim over HTTP (OpenAI chat completions) until Ctrl-C',
  builder: (yargs: Argv) =>
    yargs
      .option('port', { type: 'number', default: 8377, describe: 'TCP port (0 picks a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
      .option('seed', { type: 'number', default: 0, describe: 'Sim seed; replies are a pure function of it and the request' })
      .option('latency', { type: 'boolean', default: false, describe: 'Simulate per-model latency (fixed + per output token)' })
      .option('fault', {
        type: 'string',
        array: true,
        default: [],
        describe:
          `Inject a fault, repeatable: ${FAULT_OPTION_SYNTAX}. KIND: ${FAULT_KINDS.join(', ')}. ` +
          `SHAPE (malformed only): ${MALFORMED_SHAPES.join(', ')}. RATE: 0-1, default 1. ` +
          'TARGET: a model (sim-agent, sim-weak, sim-strong) or a response_format schema name; default all requests. ' +
          'stall = headers and half the body, then silence; reset = the same, then the connection is cut. ' +
          'E.g. 429:0.2, reset:0.1@sim-weak, 500:1@sim-weak, malformed/hopeless:1@rubric_scores',
      })
      .example('$0 sim serve --fault 429:0.2 --fault malformed/hopeless:1@rubric_scores', 'rate-limit a fifth of requests and make every rubric_scores reply unusable') as unknown as Argv<ServeArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
      throw new ConfigError('--port', `${args.port} is not a TCP port; use 0-65535`);
    }
    if (!Number.isInteger(args.seed)) throw new ConfigError('--seed', `${args.seed} is not an integer`);
    const faults = args.fault.map(parseFaultOption);
    const server = await startSimServer({ port: args.port, host: args.host, seed: args.seed, latency: args.latency, faults });
    process.stdout.write(`${server.baseURL}\n`);
    process.stderr.write(`sim serving models sim-agent, sim-weak, sim-strong at ${server.baseURL} (seed ${args.seed}); Ctrl-C stops it\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    const stats = server.stats();
    process.stderr.write(`sim stopped after ${stats.requests} requests\n`);
  },
};

export default serveCommand;
