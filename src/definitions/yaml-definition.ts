import { LineCounter } from 'yaml';
import { DefinitionLimits } from '../core/definition';
import { brokenJsonBound } from './json-bounds';
import { errorMessage, refused, type ParsedFile } from './parsed-file';
import { duplicateKeyOffsets } from './yaml-duplicate-keys';
import { composeYamlDocument } from './yaml-document';

const { maxNestingDepth, maxDocumentBytes, maxYamlAliasCount } = DefinitionLimits;

/**
 * Parses a YAML definition file within bounds: its nesting depth before anything recursive reads it, then what
 * its aliases expand to (they may nest it deeper, repeat a large part or hold themselves).
 */
export function parseYamlDefinition(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const document = composeYamlDocument(text, maxNestingDepth, lineCounter);
  if (document === null) return refused(`file is nested deeper than ${maxNestingDepth} levels`);
  const errors = [
    ...document.errors.map((error) => ({ offset: error.pos[0], message: error.message })),
    ...duplicateKeyOffsets(document).map((offset) => ({ offset, message: 'Map keys must be unique' })),
  ].sort((a, b) => a.offset - b.offset);
  if (errors.length > 0) {
    return {
      ok: false,
      messages: errors.map(({ offset, message }) => {
        const { line, col } = lineCounter.linePos(offset);
        return `${message} at line ${line}, column ${col}`;
      }),
    };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: maxYamlAliasCount });
  } catch (error) {
    return refused(errorMessage(error));
  }
  switch (brokenJsonBound(value, { maxBytes: maxDocumentBytes, maxDepth: maxNestingDepth })) {
    case 'bytes':
      return refused(`file is more than ${maxDocumentBytes} bytes as JSON, with its aliases expanded`);
    case 'depth':
      return refused(`file is nested deeper than ${maxNestingDepth} levels, with its aliases expanded`);
    case null:
      return { ok: true, value };
  }
}
