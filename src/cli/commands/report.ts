import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.ts';
import { renderReport } from '../../report/html-report.ts';
import { forTerminal } from '../../util/terminal-text.ts';
import { reportData } from '../../workflow/report-data.ts';

interface ReportArgs {
  target: string;
  out: string;
}

const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <target>',
  describe: 'Write a run or an ablation as one self-contained HTML page (opens offline: no script, nothing fetched)',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('target', { type: 'string', demandOption: true, describe: 'A run (name under populations/, folder or store path) or an ablation folder' })
      .option('out', { type: 'string', demandOption: true, describe: 'The HTML file to write, e.g. report.html' }) as Argv<ReportArgs>,
  handler: async (args) => {
    if (!/\.html?$/i.test(args.out)) throw new ConfigError('--out', 'the report is an HTML file: end the name in .html');
    const html = renderReport(await reportData(args.target));
    mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
    writeFileSync(args.out, html);
    process.stdout.write(`${forTerminal(`wrote ${args.out}`, 'line')}\n`);
  },
};

export default reportCommand;
