// The command that continues a job, as the user typed it: printed after a halt or an interrupt.

/** Commands that refuse an existing run folder unless told to resume (the others reuse finished work on their own). */
const RESUMED_BY_FLAG = new Set(['evolve', 'ablate']);

/**
 * `autodata ARGS` with `--resume` after the positional argument when the command needs it, every
 * other option kept (--name, --out, --iterations...); arguments a shell would split are quoted.
 */
export function resumeCommand(argv: readonly string[]): string {
  const args = [...argv];
  if (RESUMED_BY_FLAG.has(args[0] ?? '') && !args.includes('--resume')) args.splice(Math.min(2, args.length), 0, '--resume');
  return ['autodata', ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
