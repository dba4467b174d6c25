// The personas of the judge-decided loop and of the legal problems (`sim:legal`). They go at the
// front of the persona list: each matches only its own requests (a legal document, a context that
// quotes `§ N.` lines, a rubric citing sections, or the `loop_verdict` schema), so every other
// request still reaches the personas it reached before.
import { legalChallengerPersona } from './legal-challenger.ts';
import { legalJudgePersona } from './legal-judge.ts';
import { legalQualityVerifierPersona } from './legal-quality-verifier.ts';
import { legalSolverPersona } from './legal-solver.ts';
import { loopJudgePersona } from './loop-judge.ts';
import type { Persona } from './index.ts';

export const legalPersonas: Persona[] = [legalChallengerPersona, legalQualityVerifierPersona, legalSolverPersona, legalJudgePersona, loopJudgePersona];
