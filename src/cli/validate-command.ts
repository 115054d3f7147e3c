import { ConfigError, loadConfig } from '../config/config';
import { loadDefinitionFiles } from '../definitions/definition-files';
import type { CommandOutput } from './command-output';
import { migrationReport } from './migration-report';
import { validateUsage } from './validate-usage';

/**
 * Checks every saga definition file alone (no database, no engine): exit code 1 on any problem. With `--migrate`,
 * tells stage by stage whether running sagas of an older version could move to a newer one.
 */
export function validateCommand(
  argv: readonly string[],
  output: CommandOutput,
  program = 'npm run validate --',
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(validateUsage(program));
    return 0;
  }
  if (argv[0] === '--migrate') {
    const [, older, newer, ...rest] = argv;
    if (older === undefined || newer === undefined || rest.length > 0) {
      output.err(validateUsage(program));
      return 1;
    }
    const { lines, exitCode } = migrationReport(older, newer);
    lines.forEach((line) => (exitCode === 0 ? output.out(line) : output.err(line)));
    return exitCode;
  }
  if (argv.length > 1 || argv.some((arg) => arg.startsWith('-'))) {
    output.err(validateUsage(program));
    return 1;
  }
  const dir = argv[0] ?? configuredSagasDir(output);
  if (dir === null) return 1;
  const { definitions, problems } = loadDefinitionFiles(dir);
  if (problems.length > 0) {
    problems.forEach((problem) => output.err(problem));
    return 1;
  }
  const names = definitions.map(({ definition }) => `${definition.name}@${definition.version}`);
  output.out(`${definitions.length} definition(s) valid${names.length > 0 ? `: ${names.join(', ')}` : ''}`);
  return 0;
}

/** `SAGAS_DIR` as the engine reads it, or null (with every problem written) when the environment is invalid. */
function configuredSagasDir(output: CommandOutput): string | null {
  try {
    return loadConfig().sagasDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    error.problems.forEach((problem) => output.err(problem));
    return null;
  }
}
