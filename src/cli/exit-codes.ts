// What an exit code says about the job (documented in the README under "Exit codes").
export const EXIT = {
  /** The job did its work: every document reached a verdict; evolve completed or reached a budget. */
  ok: 0,
  /** Bad input or configuration, a run folder in use, or an unexpected fault; nothing done is lost. */
  error: 1,
  /** The command line itself is wrong (unknown command or option). */
  usage: 2,
  /** Halted by infrastructure (endpoint down, quota, refused key, a void evaluation); fix it, then resume. */
  halted: 3,
  /** Finished, but some documents ended on an infrastructure error: the figures leave them out; rerun to retry them. */
  incomplete: 4,
  /** Interrupted (Ctrl-C); the same command with --resume continues. */
  interrupted: 130,
} as const;
