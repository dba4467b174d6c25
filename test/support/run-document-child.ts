// Child process for the kill test: runs one document through the scripted orchestrator.
// argv: baseURL resultsDir
import { runDocument } from '../../src/inner/index.ts';
import { scriptedLlm, TEST_DOCUMENT, testHarness } from './inner-fixtures.ts';

const [baseURL, resultsDir] = process.argv.slice(2);
if (!baseURL || !resultsDir) throw new Error('usage: run-document-child.ts BASE_URL RESULTS_DIR');
await runDocument({ llm: scriptedLlm(baseURL) }, testHarness({ roundBudget: 5 }), TEST_DOCUMENT, { seed: 3, repeat: 0, resultsDir });
