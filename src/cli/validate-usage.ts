/** The usage text, for `npm run validate --` or `saga validate`. */
export function validateUsage(program: string): string {
  return [
    `usage: ${program} [dir]`,
    `       ${program} --migrate <older file> <newer file>`,
    '  dir: the definitions folder to check (default: SAGAS_DIR, else ./sagas)',
    '  --migrate: stage by stage, whether running sagas of the older version could move to the newer one',
  ].join('\n');
}
