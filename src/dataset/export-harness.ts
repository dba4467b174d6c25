// `autodata harness export`: a harness written as a folder that loads as one, checked by loading it back.
import { loadHarness, writeHarness, type Harness } from '../harness/index.ts';
import { freshOutputFolder } from './output-folder.ts';

/** Writes `harness` into the new folder `dir` and returns the content hash of what loads back from it. */
export function exportHarness(harness: Harness, dir: string): string {
  freshOutputFolder(dir);
  writeHarness(dir, harness);
  const written = loadHarness(dir);
  if (written.contentHash !== harness.contentHash) throw new Error(`the harness written to ${dir} does not load back the same (content hash differs)`);
  return written.contentHash;
}
