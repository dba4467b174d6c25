import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';

// Subcommands live in ./sim/<name>.ts (serve, corpus, and the lab tools), discovered like main.ts
// discovers top-level commands, so adding one needs no edit here.
const subcommandsDir = fileURLToPath(new URL('./sim/', import.meta.url));
const subcommandFiles = readdirSync(subcommandsDir)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .sort();
const subcommands: CommandModule[] = await Promise.all(
  subcommandFiles.map(async (name) => (await import(new URL(`./sim/${name}`, import.meta.url).href)).default as CommandModule),
);

const simCommand: CommandModule = {
  command: 'sim <command>',
  describe: 'The simulated lab: an offline OpenAI-compatible stand-in for the models',
  builder: (yargs: Argv) => {
    let parser = yargs;
    for (const subcommand of subcommands) parser = parser.command(subcommand);
    return parser.demandCommand(1, 'Name a sim command; `autodata sim --help` lists them.');
  },
  handler: () => {},
};

export default simCommand;
