// The rows trainers read, built from dataset rows. The prompt is the question with its context, as
// the solvers saw them (without the harness's solver instructions, which are the harness's, not the data's).
import type { DatasetRow } from './dataset-row.ts';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export function promptText(row: Pick<DatasetRow, 'context' | 'question'>): string {
  const context = row.context?.trim() ?? '';
  return context === '' ? row.question : `${context}\n\n${row.question}`;
}

/**
 * TRL's conversational prompt-completion form (SFTTrainer trains on the completion; GRPOTrainer
 * samples from the prompt and hands the other columns to reward functions): the rubric and the
 * reference answer are the reward specification.
 */
export interface TrlRow {
  id: string;
  prompt: ChatMessage[];
  completion: ChatMessage[];
  reference_answer: string | null;
  rubric: unknown;
  mode: string;
  question_type: string | null;
  document_id: string;
  /** The evaluation that made it (run, candidate, split part, iteration); null when not recorded. */
  origin: DatasetRow['origin'];
}

export function trlRow(row: DatasetRow): TrlRow {
  return {
    id: row.id,
    prompt: [{ role: 'user', content: promptText(row) }],
    completion: [{ role: 'assistant', content: row.reference_answer ?? '' }],
    reference_answer: row.reference_answer,
    rubric: row.rubric,
    mode: row.mode,
    question_type: row.question_type,
    document_id: row.document_id,
    origin: row.origin,
  };
}

/** The columns verl's RL recipes read; a custom reward function gets the rubric from extra_info. */
export interface VerlRow {
  data_source: string;
  prompt: ChatMessage[];
  ability: string;
  /** style `rule` (verifiable mode: compare with the reference) or `model` (rubric mode: a judge scores the rubric). */
  reward_model: { style: string; ground_truth: string };
  extra_info: {
    id: string;
    split: string;
    index: number;
    document_id: string;
    document_title: string;
    question: string;
    /** The rubric as JSON text. */
    rubric: string;
    question_type: string | null;
    harness_hash: string;
    weak_mean: number;
    strong_mean: number;
    accepted_round: number;
    /** Where it was made (the row's `origin`, flat: Parquet readers handle flat optional columns best); null when not recorded. */
    origin_run: string | null;
    origin_candidate: string | null;
    origin_split_part: string | null;
    origin_iteration: number | null;
  };
}

export const VERL_DATA_SOURCE = 'autodata';

export function verlRow(row: DatasetRow, index: number): VerlRow {
  return {
    data_source: VERL_DATA_SOURCE,
    prompt: [{ role: 'user', content: promptText(row) }],
    ability: row.question_type ?? 'reasoning',
    reward_model: { style: row.mode === 'verifiable' ? 'rule' : 'model', ground_truth: row.reference_answer ?? '' },
    extra_info: {
      id: row.id,
      split: row.split,
      index,
      document_id: row.document_id,
      document_title: row.document_title,
      question: row.question,
      rubric: JSON.stringify(row.rubric ?? null),
      question_type: row.question_type,
      harness_hash: row.harness_hash,
      weak_mean: row.weak_mean,
      strong_mean: row.strong_mean,
      accepted_round: row.accepted_round,
      origin_run: row.origin?.run ?? null,
      origin_candidate: row.origin?.candidate ?? null,
      origin_split_part: row.origin?.split_part ?? null,
      origin_iteration: row.origin?.iteration ?? null,
    },
  };
}
