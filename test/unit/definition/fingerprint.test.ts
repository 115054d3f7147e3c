import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import { canonicalJson } from '../../../src/core/definition/fingerprint';

describe('canonicalJson', () => {
  it.each<[JsonValue, string]>([
    [null, 'null'],
    ['a"b', '"a\\"b"'],
    [1.5, '1.5'],
    [[3, 1, 2], '[3,1,2]'],
    [{ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}'],
  ])('%j → %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('ignores key order but not array order', () => {
    expect(canonicalJson({ a: 1, b: [1, 2] })).toBe(canonicalJson({ b: [1, 2], a: 1 }));
    expect(canonicalJson({ b: [1, 2] })).not.toBe(canonicalJson({ b: [2, 1] }));
  });
});
