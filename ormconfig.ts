import path from 'node:path';
import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { ENTITIES } from './src/entities';
import { QueryStatsLogger } from './src/db/query-stats';
import { PG_TYPES } from './src/db/pg-types';

/** URL of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is not set. */
export function embeddedDatabaseUrl(port = Number(process.env.EMBEDDED_PG_PORT ?? 54329)): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/service_index`;
}

/**
 * PostgreSQL settings of every connection the API opens (libpq `options`); a `DATABASE_URL`
 * that sets `options` itself wins over them. Both come from EXPLAIN ANALYZE of the index's
 * counts (figures in docs/performance.md, "PostgreSQL settings"):
 * - JIT off: PostgreSQL compiles a big query's expressions anew for each run and each parallel
 *   worker, and for this API's counting queries that costs more than it saves.
 * - Parallel workers only for big scans (`parallel_setup_cost` 10,000, PostgreSQL's default
 *   is 1,000): starting workers costs many times what one agency's backlog takes to read. The
 *   full recompute, whose index-only scans of whole months are slower with workers than
 *   without, turns them off for its own transaction (IndexService.recompute).
 */
export const CONNECTION_SETTINGS = '-c jit=off -c parallel_setup_cost=10000';

/**
 * The one data-source definition, used by the app, the TypeORM CLI (migrations) and tests.
 * Migrations are loaded from the compiled or the TypeScript folder, matching how this file runs.
 */
export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string; connectTimeoutMs?: number } = {}): DataSource {
  const ext = __filename.endsWith('.ts') ? 'ts' : 'js';
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [path.join(__dirname, 'migrations', `*.${ext}`)],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    logger: new QueryStatsLogger(),
    synchronize: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'service-index',
    // A DATABASE_URL naming a host that never answers fails the start (or a request) after this
    // long with "timeout expired", instead of waiting for the operating system's TCP timeout.
    // pg's pool applies the same limit to a request waiting for a free connection: one that
    // waits this long fails ("timeout exceeded when trying to connect", answered 503) rather
    // than queueing on. The API passes DATABASE_TIMEOUT_MS; the TypeORM CLI keeps 10 s.
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    extra: { options: CONNECTION_SETTINGS, types: PG_TYPES },
  });
}

/** Default export for the TypeORM CLI. */
export default createDataSource(process.env.DATABASE_URL || embeddedDatabaseUrl());
