import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folders: string[] = [];

/** A temporary folder holding the given files; removed by removeDefinitionFolders. */
export function definitionFolder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'saga-definitions-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function removeDefinitionFolders(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A valid two-step definition as YAML; `extra` lines are appended to the second step. */
export function sagaYaml(extra = '', name = 'demo', version = 1): string {
  return [
    `name: ${name}`,
    `version: ${version}`,
    'steps:',
    '  - name: first',
    '    participant: alpha',
    '    action: DoFirst',
    '    compensation: UndoFirst',
    '  - name: second',
    '    participant: beta',
    '    action: DoSecond',
    extra,
  ].join('\n');
}
