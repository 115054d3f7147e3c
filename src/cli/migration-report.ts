import { migrationByProgress } from '../core/migration';
import { loadDefinitionFile } from '../definitions/definition-files';

/**
 * `npm run validate -- --migrate <older file> <newer file>`: stage by stage, whether a running saga of the older
 * version that has started up to that stage could move to the newer one, and why not. Returns the lines to print
 * and the exit code (1 when a file does not load or they are not two versions of one saga).
 */
export function migrationReport(olderPath: string, newerPath: string): { lines: string[]; exitCode: number } {
  const older = loadDefinitionFile(olderPath);
  const newer = loadDefinitionFile(newerPath);
  const problems = [...(older.ok ? [] : older.problems), ...(newer.ok ? [] : newer.problems)];
  if (!older.ok || !newer.ok) return { lines: problems, exitCode: 1 };
  const from = older.loaded.definition;
  const to = newer.loaded.definition;
  if (from.name !== to.name || from.version === to.version) {
    return {
      lines: [`${newerPath}: expected another version of saga "${from.name}", got ${to.name}@${to.version}`],
      exitCode: 1,
    };
  }
  const lines = [`${from.name} ${from.version} → ${to.version}: running sagas that have started up to…`];
  for (const { startedThrough, refusals } of migrationByProgress(from, to)) {
    if (refusals.length === 0) lines.push(`  ${startedThrough}: can move`);
    else {
      lines.push(`  ${startedThrough}: cannot move`);
      for (const { path, message } of refusals) lines.push(`    ${path}: ${message}`);
    }
  }
  return { lines, exitCode: 0 };
}
