import { type JsonObject, type JsonValue, isRecord } from 'saga-orchestrator-sdk/contracts';
import { errorMessage } from '../../definitions/parsed-file';
import { UsageError } from './usage-error';

/** Reads a file's text; `-` is standard input. */
export type ReadFile = (path: string) => string;

/** A JSON option value: the JSON itself, or `@file` (`@-` for standard input) holding it. */
export function jsonArgument(value: string, flag: string, readFile: ReadFile): JsonValue {
  let text = value;
  if (value.startsWith('@')) {
    const path = value.slice(1);
    try {
      text = readFile(path);
    } catch (error) {
      throw new UsageError(
        `--${flag}: cannot read ${path === '-' ? 'standard input' : path}: ${errorMessage(error)}`,
      );
    }
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(`--${flag}: not valid JSON: ${errorMessage(error)}`);
  }
}

/** As `jsonArgument`, for an option that must be a JSON object (a step's output or payload). */
export function jsonObjectArgument(value: string, flag: string, readFile: ReadFile): JsonObject {
  const parsed = jsonArgument(value, flag, readFile);
  if (!isRecord(parsed)) throw new UsageError(`--${flag}: expected a JSON object`);
  return parsed;
}
