import { describe, expect, it } from 'vitest';
import {
  contextFitFor,
  documentTagTokens,
  FEEDBACK_RESERVE_TOKENS,
  fitDocument,
  fitDocuments,
  INSTRUCTIONS_RESERVE_TOKENS,
  markdownParts,
  omissionMarker,
  type ContextFit,
} from '../../src/inner/fit-document.ts';
import { describeDocumentFit } from '../../src/inner/fit-document.ts';

const paragraph = (seed: string, chars: number) => {
  const sentence = `The ${seed} result depends on the cache size because larger caches reduce misses. `;
  return sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars).trim();
};

/** `# Title`, an optional front block, `## Abstract`, then `sections` numbered sections of `chars` characters each. */
function paper(options: { sections: number; chars: number; abstractHeading?: boolean; front?: string }): { id: string; title: string; text: string } {
  const parts = ['<!-- generated for a test -->', '', '# Caching in Practice', ''];
  if (options.front) parts.push(options.front, '');
  parts.push(...(options.abstractHeading === false ? [] : ['## Abstract', '']), 'We study caches and find that they help.', '');
  for (let index = 1; index <= options.sections; index += 1) parts.push(`## ${index} Section ${index}`, '', paragraph(`s${index}`, options.chars), '');
  return { id: 'paper', title: 'Caching in Practice', text: parts.join('\n') };
}

/** A challenger window that leaves the document `room` estimated tokens. */
function windowWithRoom(room: number, maxTokens = 500): ContextFit {
  const probe = contextFitFor({ challenger: { contextWindow: 100_000, maxTokens }, qualityVerifier: { maxTokens } }, 'truncate');
  const reserved = probe.windows[0]!.reservedTokens;
  return contextFitFor({ challenger: { contextWindow: room + reserved + maxTokens, maxTokens }, qualityVerifier: { maxTokens } }, 'truncate');
}

describe('fitDocument', () => {
  it('sends a document whole when no window is set, or when it fits', () => {
    const document = paper({ sections: 10, chars: 3000 });
    const none = contextFitFor({ challenger: { maxTokens: 4096 }, qualityVerifier: { maxTokens: 4096 } }, 'truncate');
    expect(none.windows).toEqual([]);
    expect(fitDocument(document, none)).toEqual({ action: 'whole', document });
    const roomy = windowWithRoom(documentTagTokens(document.title, document.text));
    expect(fitDocument(document, roomy)).toEqual({ action: 'whole', document });
  });

  it('counts the instructions, the reply schema, the feedback reserve and maxTokens against the window', () => {
    const fit = contextFitFor({ challenger: { contextWindow: 20_000, maxTokens: 3000 }, qualityVerifier: { contextWindow: 20_000, maxTokens: 1000 } }, 'truncate');
    const [challenger, verifier] = fit.windows;
    expect(challenger!.reservedTokens).toBeGreaterThan(INSTRUCTIONS_RESERVE_TOKENS + FEEDBACK_RESERVE_TOKENS);
    expect(challenger!.roomTokens).toBe(20_000 - 3000 - challenger!.reservedTokens);
    // The verifier's prompt carries the challenger's example: up to the challenger's maxTokens.
    expect(verifier!.reservedTokens).toBeGreaterThan(INSTRUCTIONS_RESERVE_TOKENS + 3000);
    expect(verifier!.roomTokens).toBe(20_000 - 1000 - verifier!.reservedTokens);
  });

  it('truncate keeps the title, the abstract and whole leading sections, then one marker line', () => {
    const document = paper({ sections: 10, chars: 1500 });
    const fit = windowWithRoom(2200);
    const decision = fitDocument(document, fit);
    expect(decision.action).toBe('truncated');
    if (decision.action !== 'truncated') return;
    const text = decision.document.text;
    expect(text.startsWith('<!-- generated for a test -->\n\n# Caching in Practice\n\n## Abstract\n\nWe study caches and find that they help.\n')).toBe(true);
    const sections = markdownParts(document.text).sections;
    const kept = sections.filter((section) => text.includes(section.text.trimEnd()));
    // A prefix of whole sections: Abstract, 1, 2, ... and nothing after the first one left out.
    expect(kept.map((section) => section.index)).toEqual(sections.slice(0, kept.length).map((section) => section.index));
    const omitted = sections.length - kept.length;
    expect(omitted).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(1);
    expect(text.trimEnd().endsWith(`\n\n${omissionMarker(omitted)}`)).toBe(true);
    expect(omissionMarker(3)).toBe('[3 sections omitted to fit the context window]');
    expect(text).not.toContain(sections[kept.length]!.heading);
    // It fits, and one more section would not have.
    const room = fit.windows[0]!.roomTokens;
    expect(documentTagTokens(document.title, text)).toBeLessThanOrEqual(room);
    const oneMore = `${text.slice(0, text.lastIndexOf('\n\n['))}\n\n${sections[kept.length]!.text.trimEnd()}\n\n${omissionMarker(omitted - 1)}\n`;
    expect(documentTagTokens(document.title, oneMore)).toBeGreaterThan(room);
    expect(decision.fit).toMatchObject({
      action: 'truncated', policy: 'truncate', reason: 'too-long-for-context', role: 'challenger', room_tokens: room,
      kept_sections: kept.length, omitted_sections: sections.slice(kept.length).map((section) => section.heading),
    });
    expect(decision.fit.kept_tokens).toBeLessThanOrEqual(room);
    expect(decision.fit.document_tokens).toBe(documentTagTokens(document.title, document.text));
  });

  it('keeps an Abstract section that comes after other front sections, and the text before the first section when there is none', () => {
    const withAuthors = paper({ sections: 8, chars: 1500 });
    const authors = withAuthors.text.replace('## Abstract', `## Authors\n\n${paragraph('authors', 3000)}\n\n## Abstract`);
    const decision = fitDocument({ ...withAuthors, text: authors }, windowWithRoom(700));
    expect(decision.action).toBe('truncated');
    if (decision.action === 'truncated') {
      expect(decision.document.text).toContain('## Abstract\n\nWe study caches and find that they help.');
      expect(decision.document.text).not.toContain('## Authors');
      expect(decision.fit.omitted_sections[0]).toBe('Authors');
    }

    const noAbstractHeading = paper({ sections: 8, chars: 1500, abstractHeading: false });
    const plain = fitDocument(noAbstractHeading, windowWithRoom(700));
    expect(plain.action).toBe('truncated');
    if (plain.action === 'truncated') {
      expect(plain.document.text.startsWith('<!-- generated for a test -->\n\n# Caching in Practice\n\nWe study caches and find that they help.\n')).toBe(true);
    }
  });

  it('does not split at a heading inside a fenced code block', () => {
    const parts = markdownParts('# T\n\nabstract\n\n## 1 A\n\n```sh\n# not a heading\n```\n\n## 2 B\n\ntext\n');
    expect(parts.sections.map((section) => section.heading)).toEqual(['1 A', '2 B']);
    expect(parts.lead).toBe('# T\n\nabstract\n\n');
    expect(parts.sections[0]!.text).toContain('# not a heading');
  });

  it('skips a document when even its title and abstract do not fit, when it has no sections, or under the skip policy', () => {
    const hugeAbstract = paper({ sections: 3, chars: 500, front: paragraph('front', 9000) });
    const tooBig = fitDocument(hugeAbstract, windowWithRoom(1500));
    expect(tooBig).toMatchObject({ action: 'skipped', documentId: 'paper', fit: { action: 'skipped', kept_tokens: null, kept_sections: 0 } });
    if (tooBig.action === 'skipped') expect(tooBig.fit.detail).toContain('title and abstract alone do not fit');

    const noHeadings = { id: 'plain', title: 'plain', text: paragraph('plain', 20_000) };
    const plain = fitDocument(noHeadings, windowWithRoom(1500));
    expect(plain.action).toBe('skipped');
    if (plain.action === 'skipped') expect(plain.fit.detail).toContain('no sections');

    const truncatable = paper({ sections: 10, chars: 1500 });
    const skipPolicy = { ...windowWithRoom(2200), policy: 'skip' as const };
    expect(fitDocument(truncatable, skipPolicy)).toMatchObject({ action: 'skipped', fit: { policy: 'skip', omitted_sections: expect.any(Array) } });
  });

  it('binds on the window that leaves the least room: the verifier pays for the challenger example', () => {
    const document = paper({ sections: 10, chars: 1500 });
    const fit = contextFitFor({ challenger: { contextWindow: 20_000, maxTokens: 500 }, qualityVerifier: { contextWindow: 9000, maxTokens: 500 } }, 'truncate');
    expect(fitDocument(document, fit)).toMatchObject({ action: 'whole' });
    const bigExample = contextFitFor({ challenger: { contextWindow: 20_000, maxTokens: 4000 }, qualityVerifier: { contextWindow: 9000, maxTokens: 500 } }, 'truncate');
    const decision = fitDocument(document, bigExample);
    expect(decision).toMatchObject({ action: 'truncated', fit: { role: 'qualityVerifier', context_window: 9000 } });
  });

  it('fitDocuments keeps order, annotates truncated documents, leaves already fitted ones alone, and describes the counts', () => {
    const fit = windowWithRoom(2200);
    const short = { id: 'short', title: 'Short', text: '# Short\n\nA short note.\n' };
    const long = paper({ sections: 10, chars: 1500 });
    const plain = { id: 'plain', title: 'plain', text: paragraph('plain', 20_000) };
    const first = fitDocuments([short, long, plain], fit);
    expect(first.documents.map((document) => document.id)).toEqual(['short', 'paper']);
    expect(first.documents[1]!.fit?.action).toBe('truncated');
    expect(first.skipped.map((entry) => entry.documentId)).toEqual(['plain']);
    const again = fitDocuments(first.documents, fit);
    expect(again.documents).toEqual(first.documents);
    expect(again.truncated).toHaveLength(1);
    const window = fit.windows[0]!.contextWindow;
    expect(describeDocumentFit({ truncated: first.truncated, skipped: first.skipped.length })).toBe(
      `1 document truncated to fit challenger's ${window}-token window, 1 skipped (too long for the context window)`,
    );
    expect(describeDocumentFit({ truncated: [], skipped: 2 })).toBe('2 documents skipped (too long for the context window)');
    expect(describeDocumentFit({ truncated: [], skipped: 0 })).toBeUndefined();
  });
});
