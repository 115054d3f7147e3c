import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type JsonObject, unstorableText } from 'saga-orchestrator-sdk/contracts';

export interface InputProblem {
  /** Rooted at `input`: `input`, `input.amount`, `input.items.0.sku`. */
  path: string;
  message: string;
}

export type InputValidator = (input: unknown) => InputProblem[];

function createAjv(strictSchema: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, strictSchema, logger: false });
  addFormats(ajv);
  return ajv;
}

/** `/items/0/sku` → `['items', '0', 'sku']` (RFC 6901 unescaping). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function dotted(root: string, segments: string[]): string {
  return [root, ...segments].join('.');
}

function toProblem(error: ErrorObject): InputProblem {
  const segments = pointerSegments(error.instancePath);
  const params: Record<string, unknown> = error.params;
  if ((error.keyword === 'required' || error.keyword === 'dependentRequired') && params.missingProperty) {
    return { path: dotted('input', [...segments, String(params.missingProperty)]), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && params.additionalProperty) {
    return {
      path: dotted('input', [...segments, String(params.additionalProperty)]),
      message: 'is not allowed',
    };
  }
  return { path: dotted('input', segments), message: error.message ?? 'is invalid' };
}

/** Strings (values and keys) PostgreSQL cannot store are refused, naming where they are. */
function unstorableProblems(value: unknown, path: string): InputProblem[] {
  if (typeof value === 'string') {
    const reason = unstorableText(value);
    return reason === null ? [] : [{ path, message: reason }];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => unstorableProblems(item, `${path}.${index}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const reason = unstorableText(key);
    return reason === null
      ? unstorableProblems(item, `${path}.${key}`)
      : [{ path, message: `a key ${reason}` }];
  });
}

/**
 * Compiles a definition's input JSON Schema (draft 2020-12, with formats) once; the returned function lists
 * every failing field of an input. A null schema accepts any input that can be stored.
 */
export function createInputValidator(schema: JsonObject | null): InputValidator {
  const validate = schema === null ? null : createAjv(false).compile(schema);
  return (input) => {
    const unstorable = unstorableProblems(input, 'input');
    if (validate === null || validate(input)) return unstorable;
    return [...unstorable, ...(validate.errors ?? []).map(toProblem)];
  };
}

/**
 * Checks that an input JSON Schema is valid and compiles; unknown keywords and formats are errors, so a typo
 * such as `requried` is not silently ignored. Returns the reason, or null when the schema is usable.
 */
export function checkInputSchema(schema: JsonObject): string | null {
  const ajv = createAjv(true);
  if (!ajv.validateSchema(schema)) {
    const [first] = ajv.errors ?? [];
    if (first === undefined) return 'invalid JSON Schema';
    const at = first.instancePath === '' ? '' : `at ${pointerSegments(first.instancePath).join('.')}: `;
    return `invalid JSON Schema: ${at}${first.message ?? 'is invalid'}`;
  }
  try {
    ajv.compile(schema);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `invalid JSON Schema: ${message.replace(/ ignored in schema at path "[^"]*"$/, '')}`;
  }
}
