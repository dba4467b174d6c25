// verl rows as a Parquet file (hyparquet-writer), with an explicit schema so an empty split still
// has its columns and nested fields are real Parquet lists and structs, as pandas/pyarrow read them.
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import type { VerlRow } from './trainer-rows.ts';

const text = (name: string, optional = false): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: optional ? 'OPTIONAL' : 'REQUIRED' });
const group = (name: string, children: number): SchemaElement => ({ name, repetition_type: 'REQUIRED', num_children: children });

const EXTRA_INFO: SchemaElement[] = [
  text('id'), text('split'), { name: 'index', type: 'INT32', repetition_type: 'REQUIRED' }, text('document_id'), text('document_title'),
  text('question'), text('rubric'), text('question_type', true), text('harness_hash'),
  { name: 'weak_mean', type: 'DOUBLE', repetition_type: 'REQUIRED' }, { name: 'strong_mean', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'accepted_round', type: 'INT32', repetition_type: 'REQUIRED' },
  text('origin_run', true), text('origin_candidate', true), text('origin_split_part', true),
  { name: 'origin_iteration', type: 'INT32', repetition_type: 'OPTIONAL' },
];

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 5 },
  text('data_source'),
  // The three-level list Parquet specifies: prompt (LIST) > list (repeated) > element (struct).
  { name: 'prompt', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  group('element', 2),
  text('role'),
  text('content'),
  text('ability'),
  group('reward_model', 2),
  text('style'),
  text('ground_truth'),
  group('extra_info', EXTRA_INFO.length),
  ...EXTRA_INFO,
];

const COLUMNS = ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'] as const;

export function writeVerlParquet(file: string, rows: VerlRow[]): void {
  const buffer = parquetWriteBuffer({
    columnData: COLUMNS.map((name) => ({ name, data: rows.map((row) => row[name]) })),
    schema: SCHEMA,
    kvMetadata: [{ key: 'writer', value: 'autodata export --format verl' }],
  });
  writeFileSync(file, new Uint8Array(buffer));
}
