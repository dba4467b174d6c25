import os from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { AutodataError, ConfigError } from '../../errors.ts';
import { startNotebookRepl } from '../../workflow/notebook/repl.ts';
import { runNotebookScript } from '../../workflow/notebook/script.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface NotebookArgs {
  script: string | undefined;
  out: string | undefined;
  history: string;
}

const notebookCommand: CommandModule<object, NotebookArgs> = {
  command: 'notebook',
  describe: 'A REPL with runs(), load(), compare(), curve(), table(), diff(), examples(), oracle(); .save FILE.md|FILE.ipynb keeps the transcript',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .option('script', { type: 'string', describe: 'Run the cells of FILE (separated by lines `// %%`) without a terminal; needs --out' })
      .option('out', { type: 'string', describe: 'With --script: write the transcript to FILE.md (pictures beside it) or FILE.ipynb' })
      .option('history', {
        type: 'string',
        default: path.join(os.homedir(), '.autodata_notebook_history'),
        describe: 'Where the interactive history is kept',
      }) as Argv<NotebookArgs>,
  handler: async (args) => {
    if (args.script !== undefined) {
      if (!args.out) throw new ConfigError('--out', 'script mode writes a transcript: add --out FILE.md or FILE.ipynb');
      const result = await runNotebookScript(args.script, args.out);
      const written = path.relative(process.cwd(), result.saved.file) || result.saved.file;
      process.stdout.write(`${forTerminal(`wrote ${written} (${result.cells} cells)`, 'line')}\n`);
      if (result.failed) throw new AutodataError('NOTEBOOK_CELL', forTerminal(`cell ${result.failed.cell} failed: ${result.failed.error}`, 'line'));
      return;
    }
    if (args.out) throw new ConfigError('--out', 'is for --script; in the REPL, `.save FILE.md` writes the transcript');
    const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const notebook = startNotebookRepl({ input: process.stdin, output: process.stdout, terminal, historyFile: args.history, banner: true });
    await notebook.closed;
  },
};

export default notebookCommand;
