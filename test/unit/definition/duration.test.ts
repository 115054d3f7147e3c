import { durationSchema, parseDuration, positiveDurationSchema } from '../../../src/core/definition/duration';

const EXPECTED = 'expected a number with a unit (ms, s, m, h) or an integer of milliseconds';

describe('parseDuration', () => {
  it.each<[unknown, number]>([
    ['250ms', 250],
    ['10s', 10_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1.5s', 1_500],
    ['0.25s', 250],
    ['1.5m', 90_000],
    ['0ms', 0],
    ['007s', 7_000],
    [0, 0],
    [1500, 1_500],
  ])('%p is %p ms', (value, ms) => {
    expect(parseDuration(value)).toEqual({ ok: true, ms });
  });

  it.each<[unknown, string]>([
    ['10x', `invalid duration "10x": ${EXPECTED}`],
    ['10', `invalid duration "10": ${EXPECTED}`],
    ['10 s', `invalid duration "10 s": ${EXPECTED}`],
    ['abc', `invalid duration "abc": ${EXPECTED}`],
    ['-1s', `invalid duration "-1s": ${EXPECTED}`],
    ['10S', `invalid duration "10S": ${EXPECTED}`],
    ['.5s', `invalid duration ".5s": ${EXPECTED}`],
    ['', `invalid duration "": ${EXPECTED}`],
    ['1.5ms', 'invalid duration "1.5ms": not a whole number of milliseconds'],
    ['0.0001s', 'invalid duration "0.0001s": not a whole number of milliseconds'],
    ['99999999999999999h', 'invalid duration "99999999999999999h": too large'],
    [-1, `invalid duration -1: ${EXPECTED}`],
    [1.5, `invalid duration 1.5: ${EXPECTED}`],
    [Infinity, `invalid duration Infinity: ${EXPECTED}`],
    [true, `invalid duration true: ${EXPECTED}`],
    [null, `invalid duration null: ${EXPECTED}`],
  ])('rejects %p', (value, message) => {
    expect(parseDuration(value)).toEqual({ ok: false, message });
  });
});

describe('parseDuration with days (the engine configuration)', () => {
  const days = { days: true };

  it.each<[string, number]>([
    ['30d', 2_592_000_000],
    ['1.5d', 129_600_000],
    ['12h', 43_200_000],
    ['1m', 60_000],
  ])('%p is %p ms', (value, ms) => {
    expect(parseDuration(value, days)).toEqual({ ok: true, ms });
  });

  it('names the day unit among those it expects', () => {
    expect(parseDuration('30 days', days)).toEqual({
      ok: false,
      message: 'invalid duration "30 days": expected a number with a unit (ms, s, m, h, d)',
    });
  });

  it('is refused in a definition file, which has no day unit', () => {
    expect(parseDuration('2d')).toEqual({ ok: false, message: `invalid duration "2d": ${EXPECTED}` });
    expect(durationSchema.safeParse('2d').success).toBe(false);
  });
});

describe('duration schemas', () => {
  it('transform to milliseconds', () => {
    expect(durationSchema.parse('250ms')).toBe(250);
    expect(durationSchema.parse(0)).toBe(0);
    expect(positiveDurationSchema.parse('2h')).toBe(7_200_000);
  });

  it.each<[unknown, string]>([
    ['10x', `invalid duration "10x": ${EXPECTED}`],
    [{ seconds: 1 }, `invalid duration a mapping: ${EXPECTED}`],
    [[1, 's'], `invalid duration a list: ${EXPECTED}`],
  ])('report %p with a clear message', (value, message) => {
    const result = durationSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it('refuses zero where a positive duration is needed', () => {
    const result = positiveDurationSchema.safeParse('0s');
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'invalid duration "0s": must be greater than 0',
    ]);
  });
});
