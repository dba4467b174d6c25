// A scripted "lab" for loop tests: per round (= challenger call number) the test says what the
// challenger writes, whether QV passes, and the score of each solver attempt.
import { deriveSeed } from '../../src/util/hash.ts';
import { answerWithScore, exampleJson, judgeReply, qualityJson, TEST_DOCUMENT } from './inner-fixtures.ts';
import type { ScriptedReply, ScriptedRequest, ScriptedResponder } from './scripted-endpoint.ts';

export interface RoundPlan {
  example?: Record<string, unknown>;
  qualityPasses?: boolean;
  /**
   * Score per attempt (attempt index from the request seed); 'error' for an HTTP 500 every time;
   * { transient: score } for an HTTP 500 the first time that request arrives, then the score.
   */
  weak?: Array<SolverPlan>;
  strong?: Array<SolverPlan>;
}

export type SolverPlan = number | 'error' | { transient: number };

export interface LoopPlan {
  rounds: RoundPlan[];
  runSeed: number;
  documentId?: string;
  repeat?: number;
  /** Replies for the main agent (agentic tests). */
  mainAgent?: (request: ScriptedRequest) => ScriptedReply;
}

export function loopResponder(plan: LoopPlan): ScriptedResponder & { challengerCalls: () => number } {
  let challengerCalls = 0;
  const seen = new Set<string>();
  const documentId = plan.documentId ?? TEST_DOCUMENT.id;
  const roundPlan = () => plan.rounds[Math.min(challengerCalls, plan.rounds.length) - 1] ?? {};
  const attemptOf = (request: ScriptedRequest, role: string): number => {
    for (let attempt = 0; attempt < 64; attempt += 1) {
      if (deriveSeed(plan.runSeed, documentId, plan.repeat ?? 0, challengerCalls, role, attempt) === request.seed) return attempt;
    }
    throw new Error(`no attempt of ${role} in round ${challengerCalls} has seed ${request.seed}`);
  };
  const responder = (request: ScriptedRequest): ScriptedReply => {
    switch (request.role) {
      case 'challenger':
        challengerCalls += 1;
        return { json: roundPlan().example ?? exampleJson({ question: `Question ${challengerCalls}?` }) };
      case 'qualityVerifier':
        return { json: qualityJson(roundPlan().qualityPasses ?? true, 'the context gives the answer away') };
      case 'judge':
        return judgeReply(request);
      case 'weakSolver':
      case 'strongSolver': {
        const scores = (request.role === 'weakSolver' ? roundPlan().weak : roundPlan().strong) ?? [];
        const attempt = attemptOf(request, request.role);
        const planned = scores[attempt] ?? scores.at(-1) ?? 0.5;
        if (planned === 'error') return { status: 500, message: 'solver crashed' };
        if (typeof planned === 'number') return answerWithScore(planned);
        const key = `${request.role}:${request.seed}`;
        if (seen.has(key)) return answerWithScore(planned.transient);
        seen.add(key);
        return { status: 500, message: 'solver briefly unavailable' };
      }
      case 'mainAgent':
        if (!plan.mainAgent) throw new Error('no main agent script');
        return plan.mainAgent(request);
      default:
        return { status: 400, message: 'unrecognised request' };
    }
  };
  return Object.assign(responder, { challengerCalls: () => challengerCalls });
}
