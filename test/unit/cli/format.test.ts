import { formatDuration, formatError } from '../../../src/cli/saga/format';

describe('formatDuration', () => {
  it.each([
    [null, ''],
    [0, '0ms'],
    [850, '850ms'],
    [1000, '1.000s'],
    [1250, '1.250s'],
    [59_999, '59.999s'],
    [60_000, '1m00s'],
    [125_400, '2m05s'],
  ])('%p ms reads %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatError', () => {
  it('reads an error as the API gives it as CODE: message', () => {
    expect(formatError({ code: 'NO_CARRIER', message: 'no carrier today', retryable: false })).toBe(
      'NO_CARRIER: no carrier today',
    );
    expect(formatError({ code: 'TIMEOUT' })).toBe('TIMEOUT');
  });

  it('is empty for no error, and shows any other value as it is', () => {
    expect(formatError(null)).toBe('');
    expect(formatError(undefined)).toBe('');
    expect(formatError('broken')).toBe('broken');
    expect(formatError({ status: 500 })).toBe('{"status":500}');
  });
});
