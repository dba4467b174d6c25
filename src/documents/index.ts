// Source documents and seeded splits. The sim corpus is reached through src/app/resolve-documents.ts.
export {
  compareIds,
  documentSchema,
  titleOf,
  type Document,
  type LoadedDocuments,
  type SkippedDocument,
} from './document.ts';
export { loadDocuments } from './load-documents.ts';
export {
  documentsForPart,
  loadSplit,
  makeSplit,
  SPLIT_PARTS,
  splitPart,
  splitSchema,
  writeSplit,
  type MakeSplitOptions,
  type Split,
  type SplitPart,
} from './split.ts';
