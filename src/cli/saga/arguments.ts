import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errorMessage } from '../../definitions/parsed-file';
import { UsageError } from './usage-error';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

type OptionValue<Option> = Option extends { multiple: true }
  ? Option extends { type: 'boolean' }
    ? boolean[]
    : string[]
  : Option extends { type: 'boolean' }
    ? boolean
    : string;

export interface CommandLine<Options extends OptionsConfig> {
  values: { [Name in keyof Options]?: OptionValue<Options[Name]> };
  positionals: string[];
}

/** A command's options and positionals, strictly: an unknown option or a missing value is a usage error. */
export function parseCommandLine<const Options extends OptionsConfig>(
  argv: readonly string[],
  options: Options,
): CommandLine<Options> {
  try {
    return parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    }) as CommandLine<Options>;
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

/** Exactly the named positionals, in order (`<id>`, `<step>`…): one missing or one too many is a usage error. */
export function expectPositionals<const Names extends readonly string[]>(
  given: readonly string[],
  names: Names,
): { [Index in keyof Names]: string } {
  const missing = names.slice(given.length);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' ')}`);
  const extra = given.slice(names.length);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.join(' ')}`);
  return given.slice() as { [Index in keyof Names]: string };
}

/** A positive integer option (`--version 2`, `--limit 100`), or undefined when absent. */
export function positiveIntegerOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(value))
    throw new UsageError(`--${flag}: expected a positive integer, got "${value}"`);
  return Number(value);
}

/** A positive integer option the command cannot do without (`--to 2`). */
export function requiredPositiveIntegerOption(value: string | undefined, flag: string): number {
  return positiveIntegerOption(requiredOption(value, flag), flag) as number;
}

/** An option the command cannot do without (`--reason`): absent or blank is a usage error. */
export function requiredOption(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${flag}`);
  return value;
}
