import { jsonNestingDepth } from 'saga-orchestrator-sdk/contracts';
import { DefinitionLimits } from '../core/definition';
import { errorMessage, refused, type ParsedFile } from './parsed-file';

/** Node's JSON errors give a character position; add the line and column a reader needs. */
function withLineColumn(message: string, text: string): string {
  const position = /at position (\d+)(?! \(line)/.exec(message);
  if (position === null) return message;
  const before = text.slice(0, Number(position[1])).split('\n');
  return `${message} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

/** Parses a JSON definition file; its nesting depth is read from the bytes first. */
export function parseJsonDefinition(bytes: Uint8Array, text: string): ParsedFile {
  const { maxNestingDepth } = DefinitionLimits;
  if (jsonNestingDepth(bytes, maxNestingDepth) > maxNestingDepth) {
    return refused(`file is nested deeper than ${maxNestingDepth} levels`);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return refused(`invalid JSON: ${withLineColumn(errorMessage(error), text)}`);
  }
}
