/**
 * How the engine's connections reach the database: a pool of `size` connections, or one session only — embedded
 * mode's PGlite runs a single PostgreSQL session, which every connection to it shares.
 */
export type DatabaseSessions = { kind: 'pool'; size: number } | { kind: 'single' };

export const pooledSessions = (size = 10): DatabaseSessions => ({ kind: 'pool', size });
export const singleSession: DatabaseSessions = { kind: 'single' };
