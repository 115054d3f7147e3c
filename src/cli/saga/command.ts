import type { CliContext } from './context';

/** Which part of `saga --help` lists a command. */
export const CommandGroup = {
  sagas: 'Sagas',
  operator: 'Operator actions (admin key)',
  definitions: 'Definitions',
  deadLetters: 'Dead letters',
  offline: 'Without an engine',
} as const;
export type CommandGroup = (typeof CommandGroup)[keyof typeof CommandGroup];

/** One `saga <name>` command. */
export interface SagaCommand {
  name: string;
  group: CommandGroup;
  /** One line for `saga --help`. */
  summary: string;
  /** `saga <name> --help`: the usage line(s), then one line per option. */
  usage: string[];
  /** The exit code (see `ExitCode`); errors are thrown and reported by the caller. */
  run(argv: readonly string[], context: CliContext): Promise<number>;
}
