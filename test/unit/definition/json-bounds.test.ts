import fc from 'fast-check';
import { brokenJsonBound } from '../../../src/definitions/json-bounds';

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('brokenJsonBound', () => {
  it('counts the bytes of the value written as JSON, exactly', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const bytes = Buffer.byteLength(JSON.stringify(value));
        expect(brokenJsonBound(value, { maxBytes: bytes, maxDepth: UNBOUNDED })).toBeNull();
        expect(brokenJsonBound(value, { maxBytes: bytes - 1, maxDepth: UNBOUNDED })).toBe('bytes');
      }),
    );
  });

  it('counts the nesting depth, `{}` as one level', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const depth = depthOf(value);
        expect(brokenJsonBound(value, { maxBytes: UNBOUNDED, maxDepth: depth })).toBeNull();
        if (depth > 0)
          expect(brokenJsonBound(value, { maxBytes: UNBOUNDED, maxDepth: depth - 1 })).toBe('depth');
      }),
    );
  });

  it('stops early on a value that holds itself', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(brokenJsonBound(cycle, { maxBytes: UNBOUNDED, maxDepth: 64 })).toBe('depth');
    expect(brokenJsonBound(cycle, { maxBytes: 100, maxDepth: UNBOUNDED })).toBe('bytes');
  });

  it('stops early on a large part repeated many times, without walking every repeat', () => {
    const large = Array.from({ length: 500_000 }, () => 1);
    const repeated = Array.from({ length: 1_000_000 }, () => large);
    expect(brokenJsonBound(repeated, { maxBytes: 1_048_576, maxDepth: 64 })).toBe('bytes');
  });
});
