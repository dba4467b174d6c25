// The long-document policy applied once per run, before the first evaluation: every part of the
// split through inner/fit-document.ts. The loop then only ever sees the fitted documents, so the
// baseline, every parent and child, and the final test run on the same texts, and a skipped
// document is in no evaluation at all (never sent, never a 0, never shown to the analyzer).
import type { SplitPart } from '../documents/index.ts';
import { describeDocumentFit, fitDocuments, type ContextFit, type FittedDocuments } from '../inner/fit-document.ts';
import type { DocumentFitRecord, InnerDocument } from '../inner/index.ts';

export interface FitPartReport {
  /** Documents of the part before fitting (after outer.validationLimit / testLimit). */
  documents: number;
  truncated: Array<{ documentId: string; fit: DocumentFitRecord }>;
  skipped: Array<{ documentId: string; fit: DocumentFitRecord }>;
}

/** What the run records in `document-fit.json` and prints; `windows` empty: nothing was enforced. */
export interface DocumentFitReport {
  policy: ContextFit['policy'];
  windows: ContextFit['windows'];
  parts: Partial<Record<SplitPart, FitPartReport>>;
  /** One line for a person (`validation: 2 documents truncated to fit challenger's 8192-token window, 1 skipped ...`). */
  line: string;
}

export function fitSplitParts(
  parts: Partial<Record<SplitPart, InnerDocument[]>>,
  contextFit: ContextFit,
): { documents: Partial<Record<SplitPart, InnerDocument[]>>; report: DocumentFitReport } {
  const documents: Partial<Record<SplitPart, InnerDocument[]>> = {};
  const reports: Partial<Record<SplitPart, FitPartReport>> = {};
  for (const [part, given] of Object.entries(parts) as Array<[SplitPart, InnerDocument[]]>) {
    const fitted: FittedDocuments = fitDocuments(given, contextFit);
    documents[part] = fitted.documents;
    reports[part] = { documents: given.length, truncated: fitted.truncated, skipped: fitted.skipped };
  }
  return { documents, report: { policy: contextFit.policy, windows: contextFit.windows, parts: reports, line: describeFitReport(contextFit, reports) } };
}

function describeFitReport(contextFit: ContextFit, parts: Partial<Record<SplitPart, FitPartReport>>): string {
  if (contextFit.windows.length === 0) return 'context windows: none set, every document is sent whole';
  const windows = contextFit.windows.map((window) => `${window.role} ${window.contextWindow}`).join(', ');
  const lines = Object.entries(parts).flatMap(([part, report]) => {
    const line = describeDocumentFit({ truncated: report.truncated, skipped: report.skipped.length });
    return line === undefined ? [] : [`${part} (${report.documents}): ${line}`];
  });
  const what = lines.length === 0 ? 'every document fits whole' : lines.join('; ');
  return `context windows (${windows} tokens; long documents: ${contextFit.policy}): ${what}`;
}
