import { errorMessage } from '../../definitions/parsed-file';
import { ApiError, ApiUnreachableError, UnexpectedResponseError, apiErrorLines } from './api-errors';
import { COMMANDS } from './commands';
import type { CliContext } from './context';
import { ExitCode } from './exit-codes';
import { overallUsage } from './help';
import { UsageError } from './usage-error';

/** Runs `saga <command> …` and returns the exit code; every error is written to stderr, never thrown. */
export async function runSaga(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    overallUsage(COMMANDS).forEach((line) => context.err(line));
    return ExitCode.failed;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    (command?.usage ?? overallUsage(COMMANDS)).forEach((line) => context.out(line));
    return ExitCode.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    context.err(`saga: unknown command "${name}"`);
    context.err("run 'saga --help' for the commands");
    return ExitCode.failed;
  }
  if (asksForHelp(rest)) {
    command.usage.forEach((line) => context.out(line));
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    errorLines(command.name, error, context).forEach((line) => context.err(line));
    return ExitCode.failed;
  }
}

/** `--help` or `-h` anywhere before a `--` that ends the options. */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function errorLines(command: string, error: unknown, context: CliContext): string[] {
  if (error instanceof UsageError) {
    return [`saga ${command}: ${error.message}`, `run 'saga ${command} --help' for its arguments`];
  }
  if (error instanceof ApiError) {
    const lines = apiErrorLines(error);
    if (error.status === 401 && !context.env.SAGA_API_KEY) lines.push('set SAGA_API_KEY to an API key');
    return lines;
  }
  if (error instanceof ApiUnreachableError || error instanceof UnexpectedResponseError) {
    return [`saga ${command}: ${error.message}`];
  }
  return [`saga ${command}: ${errorMessage(error)}`];
}
