import { parseArgs } from 'node:util';
import { errorMessage } from '../definitions/parsed-file';

/** The usage text, for `npm run simulate --` or `saga simulate`. */
export function simulateUsage(program: string): string {
  return (
    `usage: ${program} <file> --input '<json>' [--fault <step>=<fault>]... [--json]\n` +
    '  <fault>: fail | retry | retry:N | timeout | timeout:N; <step>:comp=<fault> for its compensation'
  );
}

export interface SimulateArguments {
  file: string;
  inputText: string;
  faultSpecs: string[];
  json: boolean;
}

export type ParsedSimulateArguments =
  | { ok: true; help: false; args: SimulateArguments }
  | { ok: true; help: true }
  | { ok: false; problems: string[] };

/** `<file> --input '<json>' [--fault <step>=<fault>]... [--json]`; `--name=value` works as well. */
export function parseSimulateArguments(argv: readonly string[]): ParsedSimulateArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string' },
        fault: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { ok: false, problems: [errorMessage(error)] };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { ok: true, help: true };
  const problems: string[] = [];
  if (positionals.length === 0) problems.push('missing the saga definition file');
  if (positionals.length > 1) problems.push(`one definition file at a time, got ${positionals.join(', ')}`);
  if (values.input === undefined) problems.push("missing --input '<json>'");
  const [file] = positionals;
  if (problems.length > 0 || file === undefined || values.input === undefined) return { ok: false, problems };
  return {
    ok: true,
    help: false,
    args: { file, inputText: values.input, faultSpecs: values.fault ?? [], json: values.json === true },
  };
}
