import { nestsDeeperThan } from '../../../src/core/definition/nesting-depth';

describe('nestsDeeperThan', () => {
  it.each<[string, unknown, number]>([
    ['a scalar', 'text', 0],
    ['an empty mapping', {}, 1],
    ['an empty list', [], 1],
    ['a list in a mapping', { a: [1] }, 2],
    ['the deepest branch', { a: 1, b: { c: { d: [] } }, e: [] }, 4],
  ])('measures %s', (_case, value, depth) => {
    expect(nestsDeeperThan(value, depth)).toBe(false);
    if (depth > 0) expect(nestsDeeperThan(value, depth - 1)).toBe(true);
  });

  it('stops on a value that holds itself', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(nestsDeeperThan(cycle, 32)).toBe(true);
  });
});
