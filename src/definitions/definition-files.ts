import { createHash } from 'node:crypto';
import { StartupError } from '../shared/startup-error';
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  type JsonObject,
  findUnstorableText,
  isRecord,
  jsonObjectSchema,
} from 'saga-orchestrator-sdk/contracts';
import {
  canonicalJson,
  compileDefinition,
  DefinitionLimits,
  problemText,
  type SagaDefinition,
} from '../core/definition';
import { readDefinitionText } from './definition-text';
import { checkInputSchema } from './input-validator';
import { parseJsonDefinition } from './json-definition';
import { errorMessage } from './parsed-file';
import { parseYamlDefinition } from './yaml-definition';

/** Saga definition files that cannot be loaded: the service refuses to start. */
export class DefinitionFilesError extends StartupError {
  readonly code = 'DEFINITIONS_INVALID';
}

export interface LoadedDefinition {
  /** The file's name relative to the folder, e.g. `order-fulfillment.yaml`. */
  file: string;
  definition: SagaDefinition;
  /** The file's content as plain JSON (what is stored). */
  document: JsonObject;
  /** sha256 (hex) of the canonical JSON of `document`: comments, formatting and key order do not count. */
  fingerprint: string;
}

export interface DefinitionFiles {
  definitions: LoadedDefinition[];
  /** One line per problem: `<file>: <path>: <message>` or `<file>: <message>`. */
  problems: string[];
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function notMappingMessage(value: unknown): string {
  const kind = Array.isArray(value) ? 'a list' : value === null ? 'nothing' : `a ${typeof value}`;
  return `expected a mapping at the top level, got ${kind}`;
}

/** Everything wrong with one file, as `path: message` or `message` lines, or the loaded definition. */
function loadFile(
  dir: string,
  file: string,
): { ok: true; loaded: LoadedDefinition } | { ok: false; messages: string[] } {
  const read = readDefinitionText(join(dir, file), DefinitionLimits.maxFileBytes);
  if (!read.ok) return { ok: false, messages: [read.message] };
  const parsed =
    extname(file) === '.json' ? parseJsonDefinition(read.bytes, read.text) : parseYamlDefinition(read.text);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value)) return { ok: false, messages: [notMappingMessage(parsed.value)] };

  const compiled = compileDefinition(parsed.value);
  const messages = compiled.ok ? [] : compiled.problems.map(problemText);
  const input = jsonObjectSchema.safeParse(parsed.value.input);
  const schemaProblem = input.success ? checkInputSchema(input.data) : null;
  if (schemaProblem !== null) messages.push(`input: ${schemaProblem}`);
  const unstorable = findUnstorableText(parsed.value);
  if (unstorable !== null) messages.push(unstorable);

  const document = jsonObjectSchema.safeParse(parsed.value);
  if (!compiled.ok || !document.success || messages.length > 0) return { ok: false, messages };
  const fingerprint = createHash('sha256').update(canonicalJson(document.data)).digest('hex');
  return {
    ok: true,
    loaded: { file, definition: compiled.definition, document: document.data, fingerprint },
  };
}

/** A bound this loader misses must still be a problem of the file, not a crash of the service. */
function loadFileSafely(dir: string, file: string): ReturnType<typeof loadFile> {
  try {
    return loadFile(dir, file);
  } catch (error) {
    return { ok: false, messages: [`could not be checked: ${errorMessage(error)}`] };
  }
}

function listFiles(dir: string): { ok: true; files: string[] } | { ok: false; problem: string } {
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, problem: `${dir}: not a folder` };
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => EXTENSIONS.has(extname(entry.name)) && (entry.isFile() || entry.isSymbolicLink()))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, files };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: `${dir}: saga definitions folder not found` };
    return { ok: false, problem: `${dir}: cannot read saga definitions folder: ${errorMessage(error)}` };
  }
}

/**
 * Loads and validates every `*.yaml`, `*.yml` and `*.json` file of a folder (not recursive), in name order.
 * A name and version defined in two files is a problem of the second file.
 */
export function loadDefinitionFiles(dir: string): DefinitionFiles {
  const listing = listFiles(dir);
  if (!listing.ok) return { definitions: [], problems: [listing.problem] };
  const definitions: LoadedDefinition[] = [];
  const problems: string[] = [];
  const firstFile = new Map<string, string>();
  for (const file of listing.files) {
    const result = loadFileSafely(dir, file);
    if (!result.ok) {
      problems.push(...result.messages.map((message) => `${file}: ${message}`));
      continue;
    }
    const { name, version } = result.loaded.definition;
    const key = `${name}@${version}`;
    const first = firstFile.get(key);
    if (first !== undefined) {
      problems.push(`${file}: saga "${name}" version ${version} is also defined in ${first}`);
      continue;
    }
    firstFile.set(key, file);
    definitions.push(result.loaded);
  }
  return { definitions, problems };
}

/** Loads and validates one definition file; each problem is a line `<path>: …`, named by the path as given. */
export function loadDefinitionFile(
  path: string,
): { ok: true; loaded: LoadedDefinition } | { ok: false; problems: string[] } {
  if (!EXTENSIONS.has(extname(path))) {
    return { ok: false, problems: [`${path}: not a saga definition file (expected .yaml, .yml or .json)`] };
  }
  const result = loadFileSafely(dirname(path), basename(path));
  if (!result.ok) return { ok: false, problems: result.messages.map((message) => `${path}: ${message}`) };
  return result;
}
