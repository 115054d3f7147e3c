import { ConfigError, loadConfig } from '../../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('RETENTION', () => {
  it('defaults to 30 days', () => {
    expect(loadConfig({}).retention).toEqual({ text: '30d', ms: 30 * 86_400_000 });
  });

  it.each<[string, number]>([
    ['12h', 43_200_000],
    ['1m', 60_000],
    ['90d', 90 * 86_400_000],
  ])('takes %p', (text, ms) => {
    expect(loadConfig({ RETENTION: text }).retention).toEqual({ text, ms });
  });

  it.each<[string, string]>([
    ['30', 'RETENTION: invalid duration "30": expected a number with a unit (ms, s, m, h, d)'],
    ['a month', 'RETENTION: invalid duration "a month": expected a number with a unit (ms, s, m, h, d)'],
    ['-1d', 'RETENTION: invalid duration "-1d": expected a number with a unit (ms, s, m, h, d)'],
    ['0s', 'RETENTION: must be more than 0 and at most 36500d'],
    ['36501d', 'RETENTION: must be more than 0 and at most 36500d'],
  ])('refuses %p, naming the variable', (text, problem) => {
    expect(problemsOf({ RETENTION: text })).toEqual([problem]);
  });

  it('is listed with the other bad variables', () => {
    expect(problemsOf({ RETENTION: 'soon', PORT: 'x' })).toHaveLength(2);
  });
});

describe('STATS_ROLLUP', () => {
  it('is on unless set to off', () => {
    expect(loadConfig({}).statsRollup).toBe(true);
    expect(loadConfig({ STATS_ROLLUP: 'on' }).statsRollup).toBe(true);
    expect(loadConfig({ STATS_ROLLUP: 'off' }).statsRollup).toBe(false);
  });

  it.each(['OFF', '', 'false', 'x'.repeat(10_000)])('refuses %p, naming the variable', (value) => {
    const problems = problemsOf({ STATS_ROLLUP: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^STATS_ROLLUP: /);
    expect(problems[0]!.length).toBeLessThan(200);
  });
});
