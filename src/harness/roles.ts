// Which prompt file serves which role, and the placeholders each one must carry (src/README.md,
// "The wire protocol"). The sim recognises a role only from these tags, so they are fixed here.
import type { Role } from '../llm/types.ts';
import type { HarnessSettings } from './settings.ts';

// The taxonomist (`autodata analyze`) and the learner (`generate --batches`) have no prompt in a
// harness: their modules write their prompts.
export type HarnessRole = Exclude<Role, 'analyzer' | 'implementer' | 'taxonomist' | 'learner'>;
export type MetaRole = Extract<Role, 'analyzer' | 'implementer'>;

export const ROLE_PROMPT_FILES: Record<HarnessRole, string> = {
  mainAgent: 'prompts/main-agent.md',
  challenger: 'prompts/challenger.md',
  qualityVerifier: 'prompts/quality-verifier.md',
  weakSolver: 'prompts/weak-solver.md',
  strongSolver: 'prompts/strong-solver.md',
  judge: 'prompts/judge.md',
  loopJudge: 'prompts/loop-judge.md',
};

export const META_PROMPT_FILES: Record<MetaRole, string> = {
  analyzer: 'analyzer.md',
  implementer: 'implementer.md',
};

export const META_PLACEHOLDERS: Record<MetaRole, readonly string[]> = {
  analyzer: ['trajectories', 'history'],
  implementer: ['analysis', 'history', 'harness'],
};

/** The placeholders a role prompt must contain, each exactly once. The judge depends on the mode, the strong solver on its mode. */
export function requiredPlaceholders(
  role: HarnessRole,
  mode: HarnessSettings['mode'],
  strongMode: HarnessSettings['strongSolver']['mode'] = 'separate',
): readonly string[] {
  switch (role) {
    case 'mainAgent':
      return ['document_title', 'round_budget'];
    case 'challenger':
      return ['document', 'feedback'];
    case 'qualityVerifier':
      return ['document', 'example'];
    case 'weakSolver':
      return ['context', 'question'];
    case 'strongSolver':
      // The document mode gives the strong solver the source document: privileged information.
      return strongMode === 'document' ? ['document', 'context', 'question'] : ['context', 'question'];
    case 'judge':
      return mode === 'verifiable' ? ['question', 'reference_answer', 'answer'] : ['question', 'answer', 'rubric'];
    case 'loopJudge':
      return ['example', 'packet'];
  }
}

/**
 * Placeholders a role prompt may carry (at most once each). `learnings`: what a batched generate
 * learned from the batches before (`generate --batches`); a prompt without it gets the learnings
 * appended as a tagged block, and without learnings (every unbatched run) nothing is added.
 */
export function optionalPlaceholders(role: HarnessRole): readonly string[] {
  return role === 'challenger' || role === 'mainAgent' ? [LEARNINGS_PLACEHOLDER] : [];
}

export const LEARNINGS_PLACEHOLDER = 'learnings';

/** Role prompts a harness must have: the single-shot and scripted orchestrators run without a main agent. */
export function requiredRoles(settings: Pick<HarnessSettings, 'orchestrator'>): HarnessRole[] {
  const roles: HarnessRole[] = ['challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge'];
  if (settings.orchestrator === 'judge-loop') return [...roles, 'loopJudge'];
  return settings.orchestrator === 'agentic' ? ['mainAgent', ...roles] : roles;
}

/**
 * The roles whose endpoints a harness calls. In the same-model strong modes (`samples`, `document`)
 * the weak solver's endpoint answers the strong prompt, so the strongSolver endpoint is never called
 * and must not be probed before a run.
 */
export function calledEndpointRoles(settings: Pick<HarnessSettings, 'orchestrator' | 'strongSolver'>): HarnessRole[] {
  const roles = requiredRoles(settings);
  return settings.strongSolver.mode === 'separate' ? roles : roles.filter((role) => role !== 'strongSolver');
}

export function roleForPromptFile(file: string): HarnessRole | undefined {
  const entry = Object.entries(ROLE_PROMPT_FILES).find(([, path]) => path === file);
  return entry?.[0] as HarnessRole | undefined;
}
