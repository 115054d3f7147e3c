import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgliteProcess } from './pglite-process';

/**
 * A PGlite data folder fresh from initdb, made once per machine (initdb is most of PGlite's start-up, seconds of
 * CPU); each embedded test engine starts on a copy of it. Named by PGlite's version: a new version makes a new one.
 */
export const PGLITE_TEMPLATE = join(tmpdir(), 'sagas-pglite-template-0.5.14');

/** The `integration-embedded` project's global setup: makes the template if missing, atomically. */
export default async function makePgliteTemplate(): Promise<void> {
  if (existsSync(PGLITE_TEMPLATE)) return;
  const building = mkdtempSync(join(tmpdir(), 'sagas-pglite-template-building-'));
  const server = await startPgliteProcess(building);
  await server.stop();
  try {
    renameSync(building, PGLITE_TEMPLATE);
  } catch {
    // Another run made it first.
    rmSync(building, { recursive: true, force: true });
  }
}

/** A new data folder for one test engine: a copy of the template when there is one, else empty. */
export function newPgliteDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagas-data-'));
  if (existsSync(PGLITE_TEMPLATE)) cpSync(PGLITE_TEMPLATE, dataDir, { recursive: true });
  return dataDir;
}
