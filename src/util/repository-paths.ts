// Absolute paths of files shipped in the repository that the sim tools (lab, bench) default to.
import { fileURLToPath } from 'node:url';

/** With a trailing separator. fileURLToPath, not URL.pathname: a checkout path may contain spaces. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SIM_SPLIT_FILE = `${REPOSITORY_ROOT}splits/sim-cs.json`;
export const AGENTIC_BASELINE_DIR = `${REPOSITORY_ROOT}baselines/agentic-self-instruct`;
export const COT_BASELINE_DIR = `${REPOSITORY_ROOT}baselines/cot-self-instruct`;
