import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const aboutCommand: CommandModule = {
  command: 'about',
  describe: 'Print the autodata version and the runtime it runs on',
  handler: () => {
    process.stdout.write(`autodata ${packageJson.version} (node ${process.version})\n`);
  },
};

export default aboutCommand;
