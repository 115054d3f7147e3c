import { compileOptions } from '../../../src/sdk/options';

const base = { url: 'amqp://guest:guest@127.0.0.1:5672', participant: 'inventory', handlers: {} };

describe('compileOptions', () => {
  it('applies the defaults of the limits', () => {
    expect(compileOptions(base)).toMatchObject({ maxCommandBytes: 8388608, maxReplyBytes: 1048576 });
  });

  it('lists every bad limit at once', () => {
    expect(() => compileOptions({ ...base, maxCommandBytes: 0, maxReplyBytes: 100 })).toThrow(
      'invalid participant options:\n' +
        'maxCommandBytes: must be a positive integer (got 0)\n' +
        'maxReplyBytes: must be an integer of at least 8192 (got 100)',
    );
  });
});
