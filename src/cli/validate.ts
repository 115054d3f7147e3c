import { ConfigError, loadConfig } from '../config/config';
import { loadDefinitionFiles } from '../definitions/definition-files';

/** `npm run validate`: checks every saga definition file alone (no database); exit code 1 on any problem. */
function main(): void {
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
