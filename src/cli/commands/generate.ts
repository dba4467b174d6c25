import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../exit-codes.ts';
import { createAppLlm } from '../../app/create-llm.ts';
import { preflightEndpoints } from '../../app/preflight.ts';
import { endpointProvenance, recordEndpoints } from '../../config/endpoint-provenance.ts';
import { calledEndpointRoles } from '../../harness/roles.ts';
import { SIM_FAULT_HELP, simFaultsOption } from '../../app/sim-faults.ts';
import { SPLIT_PARTS, type SplitPart } from '../../documents/index.ts';
import { resolveHarness } from '../../dataset/harness-ref.ts';
import { contextFitFor, DEFAULT_LONG_DOCUMENT_POLICY, fitDocuments, LONG_DOCUMENT_POLICIES, type LongDocumentPolicy } from '../../inner/fit-document.ts';
import { formatSummary } from '../../inner/format-summary.ts';
import { formatBatches } from '../../inner/format-batches.ts';
import { batchPlanFrom } from '../../inner/generate-batches.ts';
import type { Role } from '../../llm/types.ts';
import { runGeneration } from '../../inner/run-generation.ts';
import { createProgress } from '../../report/progress.ts';
import { costLines } from '../../llm/cost-lines.ts';
import { forTerminal } from '../../util/terminal-text.ts';
import { EARLY_STOP_HELP, endpointsOption, HARNESS_HELP, loadSplitPart, requirePositiveIntegers, warnSkipped } from '../command-inputs.ts';

interface GenerateArgs {
  harness: string;
  split: string;
  part: SplitPart;
  documents?: string;
  limit?: number;
  out?: string;
  endpoints?: string;
  seed: number;
  concurrency: number;
  longDocuments?: LongDocumentPolicy;
  earlyStop?: boolean;
  simFault?: string[];
  allowEndpointChange: boolean;
  json: boolean;
  batches?: number;
  batchSize?: number;
}

const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'Run the inner loop (one harness) over the documents of a split part and summarize the examples',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .option('harness', { type: 'string', default: 'baselines/agentic-self-instruct', describe: HARNESS_HELP })
      .option('split', { type: 'string', default: 'splits/sim-cs.json', describe: 'Split file' })
      .option('part', { choices: SPLIT_PARTS, default: 'validation' as SplitPart, describe: 'Part of the split to run on' })
      .option('documents', { type: 'string', describe: "Documents spec (default: the split's own)" })
      .option('limit', { type: 'number', describe: 'Only the first N documents of the part' })
      .option('out', { type: 'string', describe: 'Run folder (default: populations/generate-<seed>-<harness name>)' })
      .option('endpoints', { type: 'string', describe: 'Endpoints file (default: the in-process sim)' })
      .option('seed', { type: 'number', default: 0, describe: 'Run seed (every call derives its seed from it)' })
      .option('concurrency', { type: 'number', default: 4, describe: 'Documents in flight at once' })
      .option('long-documents', {
        choices: LONG_DOCUMENT_POLICIES,
        default: DEFAULT_LONG_DOCUMENT_POLICY,
        describe:
          "A document too long for the challenger's or quality verifier's contextWindow (endpoints file): truncate it to title, abstract and the leading sections that fit, or skip it (never sent, not in the pass rate)",
      })
      .option('early-stop', { type: 'boolean', describe: EARLY_STOP_HELP })
      .option('sim-fault', { type: 'string', array: true, describe: SIM_FAULT_HELP })
      .option('allow-endpoint-change', { type: 'boolean', default: false, describe: 'Resume a folder although its earlier runs used other models or sampling settings (the results then mix them)' })
      .option('batches', { type: 'number', describe: 'Run the documents in this many batches; after each, the learner role writes lessons the next batch gets (needs --batch-size)' })
      .option('batch-size', { type: 'number', describe: 'Documents per batch (with --batches; batches take the documents in order)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }) as unknown as Argv<GenerateArgs>,
  handler: async (args) => {
    requirePositiveIntegers({ '--limit': args.limit, '--concurrency': args.concurrency });
    const resolved = await resolveHarness(args.harness);
    const { harness, name: harnessName } = resolved;
    const { split, loaded, documents } = loadSplitPart({
      split: args.split,
      part: args.part,
      documents: args.documents,
      limit: args.limit,
      onLoaded: ({ skipped }) => warnSkipped(skipped),
    });
    const batches = batchPlanFrom({ count: args.batches, size: args.batchSize }, documents.length);
    // The learner is called only by batched runs: unbatched folders keep the roles they recorded. In the
    // same-model strong modes the strongSolver endpoint is never called, so it is neither probed nor recorded.
    const roles: Role[] = [...calledEndpointRoles(harness.settings), ...(batches ? (['learner'] as const) : [])];
    const configured = endpointsOption(args.endpoints);
    const simulated = configured.simulated;
    const simFaults = simFaultsOption(args.simFault, configured.endpoints);
    // Context windows a server reports are filled in for roles that set none.
    const endpoints = await preflightEndpoints({
      endpoints: configured.endpoints,
      roles,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const runDir = args.out ?? path.join('populations', `generate-${args.seed}-${harnessName}`);
    // The models and sampling settings of every role it calls (no keys), in the folder's endpoints.json: a resume on other ones is refused.
    mkdirSync(runDir, { recursive: true });
    const changed = recordEndpoints(runDir, { source: endpoints.source, roles: endpointProvenance(endpoints, roles) }, args.allowEndpointChange);
    if (changed.length > 0) process.stderr.write(`resuming ${forTerminal(runDir, 'line')} on changed endpoints (--allow-endpoint-change): ${forTerminal(changed.join('; '), 'line')}\n`);
    const contextFit = contextFitFor(endpoints.roles, args.longDocuments ?? DEFAULT_LONG_DOCUMENT_POLICY);
    // Skipped documents never run: the bar counts the ones that will.
    const progress = createProgress({ total: fitDocuments(batches ? documents.slice(0, batches.count * batches.size) : documents, contextFit).documents.length, label: `generate ${harnessName}` });
    let accepted = 0;
    const result = await runGeneration({
      harness,
      harnessName,
      documents,
      runDir,
      createLlm: (store) => createAppLlm({ endpoints, ...(store ? { store } : {}), simSeed: args.seed, cacheMode: 'use', simFaults }),
      seed: args.seed,
      concurrency: args.concurrency,
      simulated,
      contextFit,
      ...(args.earlyStop === undefined ? {} : { earlyStop: args.earlyStop }),
      ...(batches ? { batches } : {}),
      provenance: { candidate: resolved.candidate?.id ?? null, splitPart: args.part },
      source: {
        split: args.split, part: args.part, documents: args.documents ?? split.documents, endpoints: endpoints.source,
        // Only for a run's candidate (a folder run's config stays as before, so its folders still resume): export finds the harness by it.
        ...(resolved.candidate ? { harnessRef: `${resolved.candidate.run}:${resolved.candidate.id}` } : {}),
      },
      onDocumentDone: (outcome, done) => {
        if (outcome.accepted) accepted += 1;
        progress.tick({ accepted: `${accepted}/${done}` });
      },
    });
    progress.stop();
    if (args.json) {
      const { outcomes: _outcomes, ...evaluation } = result.evaluation;
      process.stdout.write(`${JSON.stringify({ ...result, evaluation, skipped: loaded.skipped, simulated }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatSummary(result.evaluation.summary)}\n`);
      if (result.batches) process.stdout.write(`\n${formatBatches(result.batches)}\n`);
      if (loaded.skipped.length > 0) {
        process.stdout.write(`\n${loaded.skipped.length} document(s) skipped when loading:\n`);
        for (const entry of loaded.skipped) process.stdout.write(`  ${forTerminal(entry.source, 'line')}: ${forTerminal(entry.reason, 'line')}\n`);
      }
      if (result.paid) {
        const { calls, requests, retried, tokens } = result.paid;
        process.stdout.write(`\npaid in this run folder: ${calls} calls, ${requests} requests (${retried} sent again after a transient fault or a refused response_format), ${tokens} tokens\n`);
      }
      const priced = Object.values(endpoints.roles).some((endpoint) => endpoint.price !== undefined);
      if (result.storePath && result.paid && (priced || result.paid.pricedCalls > 0)) {
        for (const line of costLines(result.storePath, result.evaluation.summary.accepted)) process.stdout.write(`${line}\n`);
      }
      const reused = result.reused > 0 ? ` (${result.reused} reused from an earlier run)` : '';
      process.stdout.write(`\nresults in ${result.resultsDir}${reused}; store ${result.storePath}${simulated ? '; simulated data' : ''}\n`);
    }
    // Exit 0 only when every document reached a verdict (see EXIT): errored ones are retried by a rerun.
    const { errored, documents: total } = result.evaluation.summary;
    if (result.stopped) {
      process.stderr.write(`stopped early: ${forTerminal(result.stopped, 'line')}; rerun the same command to continue\n`);
      process.exitCode = EXIT.incomplete;
    } else if (errored > 0) {
      process.stderr.write(`${errored} of ${total} document(s) ended on an infrastructure error (no verdict); rerun the same command to retry them\n`);
      process.exitCode = EXIT.incomplete;
    }
  },
};

export default generateCommand;
