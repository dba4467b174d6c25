import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { AutodataError } from '../errors.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Every file in cli/commands/ exports one yargs command module as `default`. */
async function loadCommands(): Promise<CommandModule[]> {
  const files = readdirSync(commandsDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort();
  const modules = await Promise.all(files.map((name) => import(new URL(`./commands/${name}`, import.meta.url).href)));
  return modules.map((module) => module.default as CommandModule);
}

export async function main(argv: string[]): Promise<void> {
  const commands = await loadCommands();
  let parser = yargs(argv)
    .scriptName('autodata')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'Name a command; `autodata --help` lists them.')
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`${message}\nRun with --help for usage.\n`);
      process.exitCode = 2;
    });
  for (const command of commands) parser = parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    process.exitCode = 1;
    if (error instanceof AutodataError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
}
