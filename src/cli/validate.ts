import { validateCommand } from './validate-command';

/**
 * `npm run validate`: checks every saga definition file alone (no database); exit code 1 on any problem.
 * `npm run validate -- --migrate <older file> <newer file>`: whether running sagas of the older could move.
 */
process.exitCode = validateCommand(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
