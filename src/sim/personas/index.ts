// The persona contract and the ordered list of personas the sim consults.
import type seedrandom from 'seedrandom';
import type { ChatMessage, ToolSpec } from '../../llm/types.ts';
import type { SimMemo } from '../memo.ts';
import type { SimToolChoice } from '../tool-choice.ts';
import { analyzerPersona } from './analyzer.ts';
import { challengerPersona } from './challenger.ts';
import { judgePersona } from './judge.ts';
import { mainAgentPersona } from './main-agent.ts';
import { qualityVerifierPersona } from './quality-verifier.ts';
import { solverPersona } from './solver.ts';
import { taxonomistPersona } from './taxonomist.ts';
import { learnerPersona } from './learner.ts';
import { genericPersona } from './generic.ts';
import { implementerPersona } from './implementer.ts';
import { legalPersonas } from './legal-personas.ts';

/** A chat-completions request as the sim sees it (parsed from the OpenAI wire format). */
export interface SimRequest {
  model: string;
  messages: ChatMessage[];
  /** Absent when the request has no tools or sets tool_choice "none". */
  tools?: ToolSpec[];
  /** From tool_choice, when there are tools; the handler enforces it on the persona's reply (tool-choice.ts). */
  toolChoice?: SimToolChoice;
  /** From response_format json_schema (name + schema); json_object gives name "json_object", schema {type: object}. */
  responseFormat?: { name: string; schema: unknown };
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  /** Canonical JSON of the whole request body. */
  canonical: string;
}

export interface SimReply {
  content: string | null;
  toolCalls?: { name: string; arguments: string }[];
  /** Default: 'tool_calls' when there are tool calls, else 'stop'. */
  finishReason?: 'stop' | 'length' | 'tool_calls';
}

export interface PersonaContext {
  /** Seeded from hash(simSeed, model, canonical request, request seed): the only randomness a persona may use. */
  rng: seedrandom.PRNG;
  simSeed: number;
  /** The handler's memo of pure text analyses; absent = compute everything afresh (same replies). */
  memo?: SimMemo;
}

export interface Persona {
  name: string;
  matches(request: SimRequest): boolean;
  respond(request: SimRequest, context: PersonaContext): SimReply;
}

/**
 * Ordered: the first persona whose `matches` returns true answers.
 * Task personas (challenger, solvers, judge, main agent, analyzer, implementer) go at the FRONT
 * of this array; `genericPersona` stays last as the catch-all.
 */
export const personas: Persona[] = [
  ...legalPersonas,
  challengerPersona,
  qualityVerifierPersona,
  solverPersona,
  judgePersona,
  mainAgentPersona,
  analyzerPersona, implementerPersona, taxonomistPersona, learnerPersona, genericPersona];

export function choosePersona(request: SimRequest, candidates: readonly Persona[] = personas): Persona {
  return candidates.find((persona) => persona.matches(request)) ?? genericPersona;
}

export { genericPersona };
