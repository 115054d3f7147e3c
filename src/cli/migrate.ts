import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { createDataSource, ensureDatabase, migrateDatabase } from '../persistence/data-source';

/** `npm run migrate`: creates the database if missing and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const dataSource = await createDataSource(config.databaseUrl, 2).initialize();
  try {
    const applied = await migrateDatabase(dataSource);
    process.stdout.write(
      applied.length === 0 ? 'schema is up to date\n' : `applied: ${applied.join(', ')}\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.problems.join('\n') : (error as Error).message;
  process.stderr.write(`migrate: ${message}\n`);
  process.exitCode = 1;
});
