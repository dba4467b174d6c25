// Child process for lock tests: takes a run folder's lock, says so on stdout, and holds it until killed.
import { acquireRunLock } from '../../src/store/run-lock.ts';

const [runDir] = process.argv.slice(2);
if (!runDir) throw new Error('usage: hold-run-lock.ts RUN_DIR');
acquireRunLock(runDir, { command: 'hold-run-lock test child' });
process.stdout.write('locked\n');
setInterval(() => {}, 60_000);
