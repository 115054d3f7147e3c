/* global process */
'use strict';

/**
 * Embedded mode's database for the `integration-embedded` project, in a process of its own: PGlite loads its
 * WebAssembly with a dynamic import, which jest's module sandbox refuses. The same packages and settings as
 * src/embedded/embedded-database.ts: PGlite in `DATA_DIR`, served on 127.0.0.1 at a free port.
 *
 * Prints `url <postgres://…>` once it serves; SIGTERM, or the end of its standard input (the test process is gone),
 * closes the server and the database, then exits.
 */
async function main() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(process.env.DATA_DIR);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  process.stdout.write(`url postgres://postgres@${server.getServerConn()}/postgres\n`);
  const stop = () => {
    void server
      .stop()
      .then(() => db.close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  // The test process ended without stopping it.
  process.stdin.once('end', stop);
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
