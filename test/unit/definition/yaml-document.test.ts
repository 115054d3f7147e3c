import fc from 'fast-check';
import { type Document, LineCounter, parseDocument, stringify } from 'yaml';
import { composeYamlDocument } from '../../../src/definitions/yaml-document';

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

/** Errors with their line and column, warnings and the value: what the loader reads from a document. */
function outcome(document: Document.Parsed, lineCounter: LineCounter): unknown {
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    value = `throws ${String(error)}`;
  }
  return {
    errors: document.errors.map((error) => [error.code, error.message, lineCounter.linePos(error.pos[0])]),
    warnings: document.warnings.map((warning) => warning.code),
    value,
  };
}

const yamlText = fc
  .array(
    fc.constantFrom(
      ...['a', '1', ' ', '  ', '\n', '\t', '\r\n', ':', '- ', '? ', ',', '[', ']', '{', '}', '"', "'", '#'],
      ...['&x ', '*x', '!!str ', '!x ', '|', '>', '---\n', '...\n', '%YAML 1.1\n', 'é'],
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('composeYamlDocument', () => {
  it("gives what yaml's parseDocument gives, duplicate keys aside", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          yamlText,
          fc.string(),
          fc.jsonValue().map((value) => stringify(value)),
        ),
        (text) => {
          const expectedLines = new LineCounter();
          const expected = parseDocument(text, {
            lineCounter: expectedLines,
            prettyErrors: false,
            uniqueKeys: false,
            logLevel: 'error',
          });
          const lines = new LineCounter();
          const composed = composeYamlDocument(text, UNBOUNDED, lines);
          expect(composed).not.toBeNull();
          if (composed !== null) expect(outcome(composed, lines)).toEqual(outcome(expected, expectedLines));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses exactly what nests deeper than the limit, in block and in flow style', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, flow) => {
        const text = flow ? JSON.stringify(value) : stringify(value);
        const depth = depthOf(value);
        expect(composeYamlDocument(text, depth, new LineCounter())).not.toBeNull();
        if (depth > 0) expect(composeYamlDocument(text, depth - 1, new LineCounter())).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a megabyte of "[" from its first levels', () => {
    expect(composeYamlDocument('['.repeat(1_048_576), 64, new LineCounter())).toBeNull();
  });
});
