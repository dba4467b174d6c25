// What several commands read the same way: positive-integer flags, the --endpoints option and the
// documents of one split part. Kept outside commands/, which main.ts loads as commands.
import { resolveDocuments } from '../app/resolve-documents.ts';
import { isSimulated } from '../config/endpoint-provenance.ts';
import { defaultSimEndpoints, loadEndpointsFile, type Endpoints } from '../config/endpoints.ts';
import { documentsForPart, loadSplit, type Document, type LoadedDocuments, type SkippedDocument, type Split, type SplitPart } from '../documents/index.ts';
import { ConfigError } from '../errors.ts';
import { forTerminal } from '../util/terminal-text.ts';

export function requirePositiveIntegers(values: Record<string, number | undefined>): void {
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new ConfigError(flag, `must be a positive integer, got ${value}`);
  }
}

/** The endpoints file given to --endpoints, else (absent or "sim") the in-process sim; `simulated` when any role is on the sim (endpoint-provenance.ts). */
export function endpointsOption(file: string | undefined): { endpoints: Endpoints; simulated: boolean } {
  const endpoints = file === undefined || file === 'sim' ? defaultSimEndpoints() : loadEndpointsFile(file);
  return { endpoints, simulated: isSimulated(endpoints) };
}

/** One stderr line per document skipped at load time; a file name from disk may hold control characters, so both parts are escaped. */
export function warnSkipped(skipped: SkippedDocument[]): void {
  for (const entry of skipped) process.stderr.write(`skipped ${forTerminal(entry.source, 'line')}: ${forTerminal(entry.reason, 'line')}\n`);
}

export interface SplitPartOptions {
  split: string;
  part: SplitPart;
  /** A documents spec overriding the split's own. */
  documents?: string;
  /** Only the first N documents of the part. */
  limit?: number;
  /** Told of the documents skipped at load time before the part is picked (a missing id may be one of them). */
  onLoaded?: (loaded: LoadedDocuments) => void;
}

export function loadSplitPart(options: SplitPartOptions): { split: Split; loaded: LoadedDocuments; documents: Document[] } {
  const split = loadSplit(options.split);
  const loaded = resolveDocuments(options.documents ?? split.documents);
  options.onLoaded?.(loaded);
  const documents = documentsForPart(loaded.documents, split, options.part).slice(0, options.limit);
  return { split, loaded, documents };
}

/** `--early-stop` / `--no-early-stop` (generate, evolve): absent, each harness's `earlyStop` setting decides. */
export const EARLY_STOP_HELP =
  "Stop each solver stage once its outcome is decided (fewer solver and judge calls, same decisions); --no-early-stop runs every attempt. Default: the harness's earlyStop setting";

/** `--harness` (generate, sim oracle; compare-methods' --methods): a harness folder, or RUN:CANDIDATE / RUN:best of an evolve run. */
export const HARNESS_HELP = 'Harness folder, or RUN:CANDIDATE (e.g. quickstart:c0003, quickstart:best) for a candidate of an evolve run; an existing path wins';
