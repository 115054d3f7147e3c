import {
  findUnstorableText,
  jsonNestingDepth,
  parseBoundedJson,
  storableTextOf,
} from 'saga-orchestrator-sdk/contracts';

const bounds = { maxBytes: 1000, maxDepth: 3, storableText: true };
const buffer = (text: string) => Buffer.from(text, 'utf8');

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[], {"a": [1]}]', 3],
    ['{"a": "[[[[{{{{"}', 1],
    ['{"a": "\\"[[[["}', 1],
    ['[[["\\\\"]]]', 3],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonNestingDepth(buffer(text))).toBe(depth);
  });

  it('stops counting once past the bound', () => {
    const deep = '['.repeat(1_000_000);
    expect(jsonNestingDepth(buffer(deep), 64)).toBe(65);
  });
});

describe('parseBoundedJson', () => {
  it('parses what is within bounds', () => {
    expect(parseBoundedJson(buffer('{"a":[{"b":1}]}'), bounds)).toEqual({
      ok: true,
      value: { a: [{ b: 1 }] },
    });
  });

  it('refuses a body over the size limit without reading it', () => {
    const result = parseBoundedJson(Buffer.alloc(1001, 0x20), bounds);
    expect(result).toEqual({ ok: false, reason: 'is 1001 bytes, more than the limit of 1000' });
  });

  it('refuses nesting past the depth limit before parsing', () => {
    expect(parseBoundedJson(buffer('[[[[1]]]]'), bounds)).toEqual({
      ok: false,
      reason: 'is nested deeper than 3 levels',
    });
    const hostile = buffer(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(parseBoundedJson(hostile, { ...bounds, maxBytes: 1_000_000 })).toEqual({
      ok: false,
      reason: 'is nested deeper than 3 levels',
    });
  });

  it('refuses text that is not JSON', () => {
    const result = parseBoundedJson(buffer('{nope'), bounds);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^is not valid JSON: /);
  });

  it('names text PostgreSQL cannot store', () => {
    expect(parseBoundedJson(buffer('{"a":{"b":"x\\u0000"}}'), bounds)).toEqual({
      ok: false,
      reason: 'a.b: contains a NUL character (\\u0000), which cannot be stored',
    });
    expect(parseBoundedJson(buffer('{"a":["\\ud800"]}'), bounds)).toEqual({
      ok: false,
      reason: 'a.0: contains an unpaired UTF-16 surrogate, which cannot be stored',
    });
    expect(parseBoundedJson(buffer('{"\\u0000":1}'), bounds)).toEqual({
      ok: false,
      reason: '(root): a key contains a NUL character (\\u0000), which cannot be stored',
    });
  });

  it('keeps escapes that are storable, and skips the check when not asked', () => {
    expect(parseBoundedJson(buffer('{"a":"\\u00e9\\ud83d\\ude00"}'), bounds)).toEqual({
      ok: true,
      value: { a: 'é😀' },
    });
    expect(parseBoundedJson(buffer('"\\u0000"'), { ...bounds, storableText: false })).toEqual({
      ok: true,
      value: '\u0000',
    });
  });
});

describe('findUnstorableText', () => {
  it('walks any depth without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toMatch(/^0\.0\.0.*: contains a NUL character/);
  });
});

describe('storableTextOf', () => {
  it('replaces U+0000 and unpaired surrogates, and keeps everything else', () => {
    expect(storableTextOf('a\u0000b\ud800c\udfffd😀é')).toBe('a\ufffdb\ufffdc\ufffdd😀é');
  });
});
