import { ConfigError, loadConfig } from '../config/config';
import { loadDefinitionFiles } from '../definitions/definition-files';
import { migrationReport } from './migration-report';

/**
 * `npm run validate`: checks every saga definition file alone (no database); exit code 1 on any problem.
 * `npm run validate -- --migrate <older file> <newer file>`: whether running sagas of the older could move.
 */
function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--migrate') {
    if (args.length !== 3) {
      console.error('usage: npm run validate -- --migrate <older definition file> <newer definition file>');
      process.exitCode = 1;
      return;
    }
    const { lines, exitCode } = migrationReport(args[1]!, args[2]!);
    (exitCode === 0 ? console.log : console.error)(lines.join('\n'));
    process.exitCode = exitCode;
    return;
  }
  let sagasDir: string;
  try {
    sagasDir = loadConfig().sagasDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    error.problems.forEach((problem) => console.error(problem));
    process.exitCode = 1;
    return;
  }
  const { definitions, problems } = loadDefinitionFiles(sagasDir);
  if (problems.length > 0) {
    problems.forEach((problem) => console.error(problem));
    process.exitCode = 1;
    return;
  }
  const names = definitions.map(({ definition }) => `${definition.name}@${definition.version}`);
  console.log(`${definitions.length} definition(s) valid${names.length > 0 ? `: ${names.join(', ')}` : ''}`);
}

main();
