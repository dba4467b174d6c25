// Child process of the memory figures: one evolve run of the given experiment file into a run
// folder, then its peak RSS (process.resourceUsage().maxRSS, whole process life) as one JSON line.
// Run as its own process so each run's peak is its own.
import { runExperiment } from '../app/run-experiment.ts';
import { loadExperiment } from '../config/experiment.ts';

const [experimentFile, runDir] = process.argv.slice(2);
if (!experimentFile || !runDir) {
  process.stderr.write('usage: evolve-peak-rss.ts EXPERIMENT_FILE RUN_DIR\n');
  process.exit(2);
}
const experiment = loadExperiment(experimentFile);
const result = await runExperiment({ experiment, runDir, resume: false });
process.stdout.write(
  `${JSON.stringify({ peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6, iterations: result.progress.iterationsDone, stopReason: result.stopReason })}\n`,
);
