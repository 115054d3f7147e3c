import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** `postgres://…` on 127.0.0.1 and a port of its own: pg, TypeORM and the migrations connect as to PostgreSQL. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Connections the socket server accepts. The engine uses one; a few more let a replaced connection overlap its
 * successor for a moment (and a test or `psql` look in). They all share PGlite's one session.
 */
const MAX_CONNECTIONS = 4;

/**
 * PostgreSQL as PGlite (WebAssembly, in this process), its data in `dataDir` (created if missing), served over
 * the wire protocol on 127.0.0.1 at a free port.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
