import type { CommandModule } from 'yargs';
import { appFetchFor, simModels } from '../../app/create-llm.ts';
import { checkEndpoints, describeCapabilities, type EndpointCheck } from '../../llm/check-endpoints.ts';
import { forTerminal } from '../../util/terminal-text.ts';
import { endpointsOption } from '../command-inputs.ts';

interface DoctorArgs {
  endpoints?: string;
  json: boolean;
}

const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check every role\'s endpoint: reachable, model listed, seed, structured output mode, tool calls, reasoning, context window',
  builder: (yargs) =>
    yargs
      .option('endpoints', { type: 'string', describe: 'Endpoints file (JSON or YAML); default: the built-in sim' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the checks as JSON' }),
  handler: async (args) => {
    const { endpoints } = endpointsOption(args.endpoints);
    const checks = await checkEndpoints({ endpoints, fetchFor: appFetchFor(0, [], simModels(endpoints)) });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ source: endpoints.source, checks }, null, 2)}\n`);
    } else {
      process.stdout.write(`endpoints: ${endpoints.source}\n`);
      const widths = { baseURL: longest(checks.map((check) => check.baseURL)), model: longest(checks.map((check) => check.model)) };
      for (const check of checks) process.stdout.write(`${formatCheck(check, widths)}\n`);
    }
    const failing = checks.filter((check) => !check.ok).length;
    if (failing > 0) {
      process.stderr.write(`${failing} role(s) failed the check; fix the lines marked FAIL and run autodata doctor again\n`);
      process.exitCode = 1;
    }
  },
};

function formatCheck(check: EndpointCheck, widths: { baseURL: number; model: number }): string {
  const head = `${check.role.padEnd(15)} ${check.ok ? 'ok  ' : 'FAIL'} ${check.baseURL.padEnd(widths.baseURL)} ${check.model.padEnd(widths.model)}`;
  // A problem may quote the server's own message: printed as one escaped line.
  if (!check.ok) return `${head}  ${forTerminal(check.problem ?? 'failed', 'line')}`;
  return `${head}  ${describeCapabilities(check)}`;
}

function longest(values: string[]): number {
  return Math.max(0, ...values.map((value) => value.length));
}

export default doctorCommand;
