// Who answers a solver attempt. The weak stage, and the strong stage in `separate` mode (the
// default), ask their own role's endpoint once. The paper also runs the strong solver as the weak
// model in another mode (harness setting `strongSolver`, protected in the baselines):
// - `document`: the weak solver's model answers the strong prompt, which carries the source
//   document (`{{document}}`, required in that mode): privileged information;
// - `samples`: the weak solver's model answers the strong prompt `samples` times, then reads those
//   samples and writes one answer (the aggregation step, its prompt written here, not in a harness
//   file, so no edit can reach it).
// "The same model" is one rule: those calls go to the weakSolver role, its endpoint and sampling
// settings; their seeds stay the strong stage's, so they never coincide with a weak attempt's.
import type { Harness } from '../harness/harness.ts';
import { renderFile, renderPrompt } from '../harness/render-prompt.ts';
import type { Llm, LlmFailure } from '../llm/types.ts';
import type { ChallengerExample } from './schemas.ts';
import type { SolverStage } from './stages.ts';
import type { InnerDocument } from './types.ts';

type SolverRole = 'weakSolver' | 'strongSolver';

export type SolverAnswer = { ok: true; content: string; reasoning: string | null } | { ok: false; failure: LlmFailure };

/** The role whose prompt a stage renders (and whose name its seeds carry). */
export const stageRole = (stage: SolverStage): SolverRole => (stage === 'weak' ? 'weakSolver' : 'strongSolver');

/** The role whose endpoint answers a stage: the strong stage is the weak model unless the mode is `separate`. */
export function answeringRole(harness: Harness, stage: SolverStage): SolverRole {
  return stage === 'strong' && harness.settings.strongSolver.mode !== 'separate' ? 'weakSolver' : stageRole(stage);
}

/** The stage's solver prompt; in `document` mode the strong prompt carries the document. */
export function solverPrompt(harness: Harness, stage: SolverStage, example: ChallengerExample, document: InnerDocument): string {
  const role = stageRole(stage);
  const values = { context: example.context, question: example.question };
  if (stage === 'strong' && harness.settings.strongSolver.mode === 'document') {
    return renderPrompt(harness, role, { ...values, document: document.text }, { document: { title: document.title } });
  }
  return renderPrompt(harness, role, values);
}

/** The aggregation step of `samples` mode (fixed here: protected like the solver prompts, by being out of the harness). */
export const AGGREGATION_PROMPT = `# Question, with several answers to it

The answers below were written independently to the question that follows the context. Some may be
wrong, incomplete or unsure. Compare them: keep the reasoning that holds up, leave out claims that are
wrong or only hedged, and write one complete answer of your own (not a summary of the answers).

{{context}}

{{question}}

{{answers}}

Work through the problem step by step and end with your final answer.`;

export interface AnswerRequest {
  llm: Llm;
  harness: Harness;
  stage: SolverStage;
  prompt: string;
  example: ChallengerExample;
  /** The attempt's seed key (the attempt number plus retries), as the stage numbers it. */
  attemptKey: number;
  /** Seeds derived for this stage's role, round and document. */
  seedOf: (key: number | string) => number;
}

async function askOnce(request: AnswerRequest, role: SolverRole, content: string, key: number | string): Promise<SolverAnswer> {
  const reply = await request.llm.text({
    role,
    messages: [{ role: 'user', content }],
    seed: request.seedOf(key),
    temperature: request.harness.settings.solverTemperature,
  });
  if (!reply.ok) return { ok: false, failure: reply.failure };
  const text = reply.value.content ?? '';
  if (text.trim() === '') return { ok: false, failure: { kind: 'empty', message: 'the reply had no text' } };
  return { ok: true, content: text, reasoning: reply.value.reasoning };
}

/**
 * One answer for one attempt. In `samples` mode any failed sample fails the attempt (its
 * successful samples come back from the cache when the stage retries it): an answer aggregated
 * over fewer samples because a server failed would make an infrastructure fault part of a verdict.
 */
export async function solverAnswer(request: AnswerRequest): Promise<SolverAnswer> {
  const { harness, stage } = request;
  const role = answeringRole(harness, stage);
  if (stage === 'weak' || harness.settings.strongSolver.mode !== 'samples') return askOnce(request, role, request.prompt, request.attemptKey);
  const count = harness.settings.strongSolver.samples;
  const samples = await Promise.all(
    Array.from({ length: count }, (_, index) => askOnce(request, role, request.prompt, `${request.attemptKey}-sample-${index + 1}`)),
  );
  const failed = samples.find((sample) => !sample.ok);
  if (failed) return failed;
  const answers = samples
    .map((sample, index) => `<answer index="${index + 1}">\n${sample.ok ? sample.content : ''}\n</answer>`)
    .join('\n\n');
  const aggregation = renderFile(
    AGGREGATION_PROMPT,
    { context: request.example.context, question: request.example.question, answers },
    undefined,
    'strong solver aggregation prompt',
  );
  return askOnce(request, role, aggregation, `${request.attemptKey}-aggregate`);
}
