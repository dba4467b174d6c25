import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyDirectives, detectDirectives, directiveCatalogue } from '../../../src/sim/directives.ts';

describe('directive vocabulary', () => {
  it('detects every canonical wording in its own role', () => {
    for (const directive of directiveCatalogue) {
      for (const wording of directive.canonicalWordings) {
        expect(detectDirectives(wording, directive.role), `${directive.id}: ${wording}`).toContain(directive.id);
      }
    }
  });

  it('matches synonyms regardless of case', () => {
    expect(detectDirectives('DO NOT ASK FOR EXACT EXPERIMENTAL FIGURES.', 'challenger')).toEqual(['no-reported-numbers']);
    expect(detectDirectives('Could the question be answered without having read the paper?', 'challenger')).toEqual(['paper-specific-insight']);
    expect(detectDirectives('Write the most difficult question possible.', 'challenger')).toEqual(['as-hard-as-possible']);
    expect(detectDirectives('Attempt to answer using the context alone.', 'qualityVerifier')).toEqual(['answer-from-context']);
  });

  it('finds nothing in a neutral rewording or in the baseline prompts', () => {
    expect(detectDirectives('Please write a clear question about the document and a fair rubric.')).toEqual([]);
    expect(detectDirectives('The context sets up the situation; it does not contain the answer.')).toEqual([]);
    for (const harness of ['agentic-self-instruct', 'cot-self-instruct']) {
      const folder = new URL(`../../../baselines/${harness}/prompts/`, import.meta.url);
      for (const file of readdirSync(folder)) expect(detectDirectives(readFileSync(new URL(file, folder), 'utf8')), `${harness}/${file}`).toEqual([]);
    }
  });

  it('reads a directive only from its own role prompt', () => {
    expect(detectDirectives('Be lenient.', 'challenger')).toEqual([]);
    expect(detectDirectives('Be lenient.', 'qualityVerifier')).toEqual(['be-lenient']);
    expect(detectDirectives('Answer briefly.', 'strongSolver')).toEqual(['answer-briefly']);
  });

  it('combines pushes on one rate with diminishing returns', () => {
    const one = applyDirectives({ generic: 0.4 }, 'The question must depend on an insight that is specific to this paper.', 'challenger');
    const two = applyDirectives(
      { generic: 0.4 },
      'The question must depend on an insight that is specific to this paper. Prefer questions about trade-offs.',
      'challenger',
    );
    expect(one.generic).toBeLessThan(0.4);
    expect(two.generic).toBeLessThan(one.generic);
    expect(two.generic).toBeGreaterThan(0);
    expect(applyDirectives({ generic: 0.4 }, 'Please write a clear question.', 'challenger')).toEqual({ generic: 0.4 });
  });
});
