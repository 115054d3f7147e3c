import {
  expectPositionals,
  parseCommandLine,
  positiveIntegerOption,
  requiredOption,
} from '../../../src/cli/saga/arguments';
import { jsonArgument, jsonObjectArgument } from '../../../src/cli/saga/json-argument';
import { UsageError } from '../../../src/cli/saga/usage-error';

describe('command line parsing', () => {
  it('reads options in either spelling, repeated options as a list, and positionals', () => {
    const { values, positionals } = parseCommandLine(
      ['abc', '--status', 'RUNNING', '--status=SUSPENDED', '--json', '--reason=why not'],
      {
        status: { type: 'string', multiple: true },
        reason: { type: 'string' },
        json: { type: 'boolean' },
      },
    );

    expect(values).toEqual({ status: ['RUNNING', 'SUSPENDED'], json: true, reason: 'why not' });
    expect(positionals).toEqual(['abc']);
  });

  it('refuses an unknown option and an option without its value as usage errors', () => {
    expect(() => parseCommandLine(['--colour'], { json: { type: 'boolean' } })).toThrow(UsageError);
    expect(() => parseCommandLine(['--reason'], { reason: { type: 'string' } })).toThrow(UsageError);
  });

  it('wants exactly the named positionals', () => {
    expect(expectPositionals(['id-1', 'charge'], ['<id>', '<step>'])).toEqual(['id-1', 'charge']);
    expect(() => expectPositionals(['id-1'], ['<id>', '<step>'])).toThrow('missing <step>');
    expect(() => expectPositionals(['a', 'b'], ['<id>'])).toThrow('unexpected argument b');
  });

  it('reads positive integers and refuses anything else, naming the option', () => {
    expect(positiveIntegerOption(undefined, 'limit')).toBeUndefined();
    expect(positiveIntegerOption('500', 'limit')).toBe(500);
    for (const bad of ['0', '-1', '1.5', '1e3', 'ten', '']) {
      expect(() => positiveIntegerOption(bad, 'limit')).toThrow(
        `--limit: expected a positive integer, got "${bad}"`,
      );
    }
  });

  it('says which required option is missing or blank', () => {
    expect(requiredOption('a reason', 'reason')).toBe('a reason');
    expect(() => requiredOption(undefined, 'reason')).toThrow('missing --reason');
    expect(() => requiredOption('  ', 'reason')).toThrow('missing --reason');
  });
});

describe('JSON arguments', () => {
  const files: Record<string, string> = { 'input.json': '{"orderId":"o-1"}', '-': '[1,2]' };
  const readFile = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`);
    return text;
  };

  it('reads JSON given inline, from @file, and from @- (standard input)', () => {
    expect(jsonArgument('{"amount":2}', 'input', readFile)).toEqual({ amount: 2 });
    expect(jsonArgument('@input.json', 'input', readFile)).toEqual({ orderId: 'o-1' });
    expect(jsonArgument('@-', 'input', readFile)).toEqual([1, 2]);
    expect(jsonArgument('"text"', 'input', readFile)).toBe('text');
  });

  it('names the option and the problem: not JSON, a file that cannot be read, not an object', () => {
    expect(() => jsonArgument('{amount', 'input', readFile)).toThrow(/^--input: not valid JSON: /);
    expect(() => jsonArgument('@missing.json', 'input', readFile)).toThrow(
      "--input: cannot read missing.json: ENOENT: no such file 'missing.json'",
    );
    expect(() => jsonObjectArgument('@-', 'output', readFile)).toThrow('--output: expected a JSON object');
    expect(jsonObjectArgument('{}', 'output', readFile)).toEqual({});
  });
});
