import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { signToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/domain/enums';
import { createServices, Services } from '../../src/services/container';
import { RunningServer, startServer } from '../../src/http/server';
import { createTestDatabase } from './database';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

export interface TestApp {
  url: string;
  /** ws:// URL of the same endpoint (graphql-transport-ws). */
  wsUrl: string;
  dataSource: DataSource;
  services: Services;
  /** A signed token for a role at an agency (default sub derived from both). */
  token(role: Role, agencyCode: string, sub?: string): string;
  /** POSTs an operation over real HTTP and returns the parsed response with its status. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * Starts the real API (Express + Apollo on a real port) over a fresh clone of the test
 * template database. `clock` lets a test fix "now" for deadline-sensitive checks.
 */
export async function startTestApp(
  options: { clock?: () => Date; realtime?: boolean | { detectors: boolean }; databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: '',
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-at-least-16-chars',
    PORT: '0',
    ...options.env,
  });
  const dataSource = createDataSource(database.url, { poolSize: 5, connectTimeoutMs: config.databaseTimeoutMs });
  await dataSource.initialize();
  const services = createServices(config, dataSource, options.clock);
  let server: RunningServer;
  try {
    if (options.realtime) await services.realtime.start({ detectors: options.realtime === true || options.realtime.detectors });
    server = await startServer(services, 0);
  } catch (err) {
    await services.realtime.stop();
    await services.rateLimits.close();
    await dataSource.destroy();
    await database.drop();
    throw err;
  }
  return {
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    dataSource,
    services,
    token: (role, agencyCode, sub) => signToken({ sub: sub ?? `${role.toLowerCase()}-${agencyCode}`, role, agencyCode }, config.jwtSecret, '1h'),
    async gql(query, variables, token) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: res.status, ...body } as never;
    },
    async close() {
      await server.close();
      await services.realtime.stop();
      await services.rateLimits.close();
      await services.index.whenIdle();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** GET /metrics of a running app, as Prometheus text. */
export async function scrapeMetrics(app: TestApp): Promise<string> {
  const res = await fetch(app.url.replace('/graphql', '/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  return res.text();
}

/** The value of one series (name with its labels, as printed) in a scrape; NaN when absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

export type Readiness = { status: string; checks: Record<string, { ok: boolean; detail?: string }> };

/** GET /health/ready of a running app: its HTTP status and body. */
export async function readinessOf(app: TestApp): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(app.url.replace('/graphql', '/health/ready'));
  return { status: res.status, body: (await res.json()) as Readiness };
}
