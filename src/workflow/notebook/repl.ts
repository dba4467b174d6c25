// `autodata notebook`: a Node REPL with the library bound as plain functions (session.ts), whose
// every cell is recorded (transcript.ts) and saved with `.save FILE.md|FILE.ipynb`.
//
// The cells are evaluated by the REPL's own evaluator, which supports top-level await; a cell
// whose value is a promise is awaited too (`curve(RUN, { out })`, `oracle(DIR)`). A cell ends when
// its result comes back or when its error reaches the REPL's domain (the REPL reports thrown
// errors there, not through the evaluator's callback). Piped input (not a terminal) is fed one
// line at a time, each line only after the cell before it ended, so `x = await f()` then `x`
// runs in order as it does when typed.
import { Console } from 'node:console';
import type { EventEmitter } from 'node:events';
import readline from 'node:readline';
import repl, { type REPLEval, type REPLServer } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import path from 'node:path';
import { forTerminal } from '../../util/terminal-text.ts';
import { BINDING_HELP, BINDING_NAMES, createBindings, display } from './session.ts';
import { saveTranscript, Transcript } from './transcript.ts';

export interface NotebookReplOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A terminal: line editing, completion keys, history. Otherwise input is read line by line. */
  terminal: boolean;
  cwd?: string;
  /** Where a terminal session keeps its history (repl's setupHistory); null for none. */
  historyFile?: string | null;
  /** Printed before the first prompt. */
  banner?: boolean;
  prompt?: string;
}

export interface NotebookRepl {
  server: REPLServer;
  transcript: Transcript;
  /** Evaluates SOURCE as one cell (script mode); resolves false when the cell failed. */
  run(source: string): Promise<boolean>;
  /** Resolves when the REPL has closed (`.exit`, end of input, `close()`). */
  closed: Promise<void>;
}

type Outcome = { result: string | undefined } | { error: unknown };

export function startNotebookRepl(options: NotebookReplOptions): NotebookRepl {
  const cwd = options.cwd ?? process.cwd();
  const { output } = options;
  const transcript = new Transcript();
  const bindings = createBindings({
    cwd,
    onPicture: (picture) => transcript.picture(picture),
    warn: (message) => printed('stderr', `${message}\n`),
  });

  if (options.banner) {
    output.write(`autodata notebook (cwd ${forTerminal(cwd, 'line')})\n${BINDING_NAMES.map((name) => `  ${BINDING_HELP[name]}`).join('\n')}\n`);
    output.write('.save FILE.md|FILE.ipynb writes the cells so far; .exit leaves\n');
  }
  // Piped input goes through `fed`, one line at a time (see `pump`).
  const fed = options.terminal ? null : new PassThrough();
  const server = repl.start({
    prompt: options.prompt ?? 'notebook> ',
    input: fed ?? options.input,
    output,
    terminal: options.terminal,
    ignoreUndefined: true,
    useColors: false,
    writer: display,
  });

  function printed(name: 'stdout' | 'stderr', text: string): void {
    const safe = forTerminal(text);
    transcript.write(name, safe);
    output.write(safe);
  }
  const stream = (name: 'stdout' | 'stderr') =>
    new Writable({
      decodeStrings: false,
      write(chunk: unknown, _encoding, done) {
        printed(name, String(chunk));
        done();
      },
    });
  const notebookConsole = new Console({ stdout: stream('stdout'), stderr: stream('stderr') });
  const install = (context: Record<string, unknown>) => {
    for (const name of BINDING_NAMES) context[name] = bindings[name];
    context.console = notebookConsole;
  };
  install(server.context);
  server.on('reset', install);

  // The running cell's end, for `run` and the input pump.
  let settle: ((ok: boolean) => void) | null = null;
  const end = (outcome: Outcome) => {
    transcript.finish(outcome);
    const done = settle;
    settle = null;
    done?.(!('error' in outcome));
    setImmediate(pump);
  };
  const shown = (value: unknown) => (value === undefined ? undefined : display(value));

  const evaluate = server.eval;
  const notebookEval: REPLEval = function (code, context, file, callback) {
    transcript.begin(code);
    evaluate.call(server, code, context, file, (error, result) => {
      if (error instanceof repl.Recoverable) {
        // The REPL waits for more lines; the cell is not whole yet.
        transcript.discard();
        callback(error, undefined);
        setImmediate(pump);
        return;
      }
      if (error) {
        end({ error });
        callback(error, undefined);
        return;
      }
      if (isThenable(result)) {
        result.then(
          (value) => {
            end({ result: shown(value) });
            callback(null, value);
          },
          (failure: unknown) => {
            end({ error: failure });
            callback(failure instanceof Error ? failure : new Error(String(failure)), undefined);
          },
        );
        return;
      }
      end({ result: shown(result) });
      callback(null, result);
    });
  };
  // The REPL calls `this.eval` for every input; its typings mark the property read-only.
  (server as { eval: REPLEval }).eval = notebookEval;
  replDomain(server).prependListener('error', (error: unknown) => {
    if (transcript.running) end({ error });
  });

  server.defineCommand('save', {
    help: 'Save the cells so far as FILE.md (pictures beside it) or FILE.ipynb',
    action(file: string) {
      try {
        if (file.trim() === '') throw new Error('usage: .save FILE.md or .save FILE.ipynb');
        const saved = saveTranscript(transcript.cells, file.trim(), cwd);
        const relative = path.relative(cwd, saved.file) || saved.file;
        output.write(`saved ${transcript.cells.length} cell${transcript.cells.length === 1 ? '' : 's'} to ${forTerminal(relative, 'line')}\n`);
      } catch (error) {
        output.write(`${forTerminal(error instanceof Error ? error.message : String(error))}\n`);
      }
      server.displayPrompt();
    },
  });

  if (options.terminal && options.historyFile) {
    server.setupHistory(options.historyFile, (error) => {
      if (error) output.write(`history not kept (${forTerminal(error.message, 'line')})\n`);
    });
  }

  // Piped input: the next line goes to the REPL only once it handled the previous one and no cell runs.
  const queue: string[] = [];
  let inputEnded = false;
  let awaitingLine = false;
  function pump(): void {
    if (!fed || awaitingLine || transcript.running) return;
    const line = queue.shift();
    if (line === undefined) {
      if (inputEnded) fed.end();
      return;
    }
    awaitingLine = true;
    fed.write(`${line}\n`);
  }
  if (fed) {
    server.on('line', () => {
      awaitingLine = false;
      setImmediate(pump);
    });
    const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
    lines.on('line', (line) => {
      queue.push(line);
      pump();
    });
    lines.on('close', () => {
      inputEnded = true;
      pump();
    });
  }

  const closed = new Promise<void>((resolve) => server.on('exit', () => resolve()));

  return {
    server,
    transcript,
    closed,
    run(source) {
      return new Promise<boolean>((resolve) => {
        settle = resolve;
        server.eval(source, server.context, 'cell', (error) => {
          if (!(error instanceof repl.Recoverable)) return;
          // A cell that is not whole (an unclosed bracket) fails as the syntax error it is.
          settle = null;
          transcript.begin(source);
          transcript.finish({ error: error.err ?? error });
          resolve(false);
        });
      });
    },
  };
}

/**
 * The REPL's domain: thrown errors and rejected top-level awaits are reported there. Not in
 * node's typings; every Node REPL since 0.x has it, and the notebook refuses to start without it.
 */
function replDomain(server: REPLServer): EventEmitter {
  const domain = (server as unknown as { _domain?: EventEmitter })._domain;
  if (!domain || typeof domain.prependListener !== 'function') {
    throw new Error(`this Node version's REPL reports no errors to a domain; the notebook needs Node 20 or 22 (running ${process.version})`);
  }
  return domain;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
