import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/config/experiment.ts';

describe('inner.longDocuments', () => {
  it('defaults to truncate, accepts skip, and names the field for anything else', () => {
    expect(parseExperiment({ name: 'a', endpoints: 'sim' }, 'test.json').inner.longDocuments).toBe('truncate');
    expect(parseExperiment({ name: 'a', endpoints: 'sim', inner: { longDocuments: 'skip' } }, 'test.json').inner).toEqual({ documentConcurrency: 4, longDocuments: 'skip' });
    expect(() => parseExperiment({ name: 'a', endpoints: 'sim', inner: { longDocuments: 'drop' } }, 'test.json')).toThrow(/inner\.longDocuments/);
  });
});
