import type { z } from 'zod';

/** One thing wrong with a definition; `path` is dotted with numeric indices (`steps.1.retry.attempts`), `''` for none. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

/** `path: message`, or the message alone when the problem is with the whole document. */
export function problemText(problem: DefinitionProblem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

type Issue = z.core.$ZodIssue;

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** What a value is, in the words of a definition file: `a string`, `a list`, `null`… */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return TYPE_NOUNS[typeof value] ?? typeof value;
}

const NOT_JSON = 'not a JSON value (numbers must be finite)';

/** zod's messages in the words of a definition file. */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_union') return NOT_JSON;
  return undefined;
};

export function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A JSON value nested in a union fails at the union's path; point at the deepest failing value instead. */
function deepestUnionPath(issue: Issue): PropertyKey[] {
  if (issue.code !== 'invalid_union') return issue.path;
  let deepest: PropertyKey[] = [];
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = inner.code === 'invalid_union' ? deepestUnionPath(inner) : inner.path;
      if (candidate.length > deepest.length) deepest = candidate;
    }
  }
  return [...issue.path, ...deepest];
}

/** A zod issue as problems of the file, under `prefix` (where the parsed part sits in the file). */
export function problemsOf(issue: Issue, prefix: readonly PropertyKey[] = []): DefinitionProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: joinPath([...prefix, ...issue.path, key]),
      message: 'unknown field',
    }));
  }
  // A union with a message of its own (`attempts`) is reported where it is; a JSON value, where it goes wrong.
  const path =
    issue.code === 'invalid_union' && issue.message !== NOT_JSON ? issue.path : deepestUnionPath(issue);
  return [{ path: joinPath([...prefix, ...path]), message: issue.message }];
}
