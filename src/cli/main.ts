import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { AutodataError, RunHalted } from '../errors.ts';
import { EXIT } from './exit-codes.ts';
import { resumeCommand } from './resume-command.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Every file in cli/commands/ exports one yargs command module as `default`. */
async function loadCommands(): Promise<CommandModule[]> {
  const files = readdirSync(commandsDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort();
  const modules = await Promise.all(files.map((name) => import(new URL(`./commands/${name}`, import.meta.url).href)));
  return modules.map((module) => module.default as CommandModule);
}

/** The command line itself is wrong (an unknown command, a missing argument). */
class UsageError extends Error {}

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
      // Thrown, not only reported: yargs would otherwise go on to run the command's handler.
      throw error ?? new UsageError(message);
    });
  for (const command of commands) parser = parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    process.exitCode = EXIT.error;
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nRun with --help for usage.\n`);
      process.exitCode = EXIT.usage;
    } else if (error instanceof RunHalted) {
      // Nothing is lost: what finished is stored, and the same command continues from there.
      process.exitCode = EXIT.halted;
      process.stderr.write(`error: ${error.message}\ncontinue with: ${resumeCommand(argv)}\n`);
    } else if (error instanceof AutodataError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
}

