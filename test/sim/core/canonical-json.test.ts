// The sim's one-pass canonical JSON must give exactly the bytes of util/hash canonicalJson: request
// seeds (and so every reply) are derived from it.
import { describe, expect, it } from 'vitest';
import { canonicalJsonOfParsed } from '../../../src/sim/canonical-json.ts';
import { canonicalJson } from '../../../src/util/hash.ts';

const BODIES = [
  '{"model":"sim-agent","messages":[{"role":"user","content":"Hi \\"there\\" \\u2028 \\ud83d\\ude00"}],"seed":3,"temperature":1}',
  // Index-like keys: a rebuilt object lists them first, in numeric order.
  '{"b":1,"10":2,"9":3,"a":{"2":null,"01":true,"1":false,"-1":0,"4294967295":1,"4294967294":2},"0":[]}',
  '{"z":[1,2.5,-0,1e21,{"y":"x","x":[{"b":{},"a":[]}]}],"__proto__":{"k":1},"":"empty","é":"e","E":"upper"}',
  '[3,{"b":2,"a":1},"text",null]',
  '"just a string"',
  '12.75',
];

describe('canonicalJsonOfParsed', () => {
  it.each(BODIES)('matches canonicalJson for %s', (body) => {
    const value = JSON.parse(body) as unknown;
    expect(canonicalJsonOfParsed(value)).toBe(canonicalJson(value));
  });

  it('orders index-like keys first, numerically, then the other keys by code unit', () => {
    expect(canonicalJsonOfParsed(JSON.parse('{"b":1,"10":2,"9":3,"a":4,"01":5}'))).toBe('{"9":3,"10":2,"01":5,"a":4,"b":1}');
  });
});
