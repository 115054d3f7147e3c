import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../shared/startup-error';

/** Another live process has the data folder open: PGlite must never open a folder twice. */
export class DataDirInUseError extends StartupError {
  readonly code = 'DATA_DIR_IN_USE';
}

const LOCK_FILE = 'engine.pid';

/** Whether a process with this id is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks the data folder as this process's, or fails naming the live process that has it (a lock left by a
 * process that died is taken over). Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new DataDirInUseError([
        `SAGAS_DATA_DIR: ${dataDir} is in use by process ${holder} (embedded mode runs one process per folder; ` +
          'set another SAGAS_DATA_DIR)',
      ]);
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}
