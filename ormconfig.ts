import path from 'node:path';
import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { ENTITIES } from './src/entities';
import { QueryStatsLogger } from './src/db/query-stats';

/** URL of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is not set. */
export function embeddedDatabaseUrl(port = Number(process.env.EMBEDDED_PG_PORT ?? 54329)): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/service_index`;
}

/**
 * The one data-source definition, used by the app, the TypeORM CLI (migrations) and tests.
 * Migrations are loaded from the compiled or the TypeScript folder, matching how this file runs.
 */
export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}): DataSource {
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
  });
}

/** Default export for the TypeORM CLI. */
export default createDataSource(process.env.DATABASE_URL || embeddedDatabaseUrl());
