import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { signToken } from '../../src/auth/tokens';
import { AlertKind, Role } from '../../src/domain/enums';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { createTestDatabase } from '../support/database';
import { seedFixtures } from '../support/fixtures';
import { freePort } from '../support/ports';
import { wsClient } from '../support/ws';

/**
 * Two real API processes on one database. The one a dashboard is connected to gets SIGTERM in
 * the middle of a stream of alerts: it closes the socket with "going away" (1001) after
 * sequencing what was pending, the dashboard reconnects to the other and resumes from its
 * cursor, and not one alert is lost or repeated.
 */
const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'test-secret-at-least-16-chars';
let outDir: string;
let database: { url: string; drop: () => Promise<void> };
let dataSource: DataSource;
let tpa: { databaseId: number; path: string };

async function startApi(): Promise<{ process: ChildProcess; url: string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(outDir, 'src', 'main.js')], {
    // Production, as deployed: there Apollo's own SIGTERM handler once raced ours and hung the stop.
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), NODE_ENV: 'production', JWT_SECRET: SECRET, REDIS_URL: '', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`API did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('Service Index API ready')) {
        clearTimeout(timer);
        // The banner's ready-made ADMIN token is for development only: production logs are read by many.
        if (/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(output)) reject(new Error(`production printed a token: ${output}`));
        else resolve();
      }
    });
    child.stderr!.on('data', (chunk) => (output += String(chunk)));
    child.on('exit', (code) => reject(new Error(`API exited (${code}) before it was ready: ${output}`)));
  });
  return { process: child, url: `ws://localhost:${port}/graphql`, exited };
}

beforeAll(async () => {
  // Compiled into a directory of its own: other test files may build dist/ at the same time.
  // Inside the project so that the build finds node_modules; .data/ is not versioned.
  fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  outDir = fs.mkdtempSync(path.join(ROOT, '.data', 'build-shutdown-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], {
    cwd: ROOT,
  });
  database = await createTestDatabase();
  dataSource = createDataSource(database.url, { poolSize: 3 });
  await dataSource.initialize();
  const f = await seedFixtures(dataSource);
  tpa = f.tpa;
}, 120_000);

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
  fs.rmSync(outDir, { recursive: true, force: true });
});

it('SIGTERM mid-stream: sockets close going-away, the dashboard resumes elsewhere from its cursor, no alert lost', async () => {
  const a = await startApi();
  const b = await startApi();
  const token = signToken({ sub: 'leader-shutdown', role: Role.LEADER, agencyCode: 'TPA' }, SECRET, '1h');
  const [{ start }] = await dataSource.query(`SELECT coalesce(max(seq), 0)::text AS start FROM alert`);

  const received: string[] = [];
  let after: string = start;
  const closeCodes: (number | undefined)[] = [];
  const follow = (url: string) =>
    new Promise<void>((resolve) => {
      const client: Client = wsClient(url, token);
      client.on('closed', (event) => {
        closeCodes.push((event as { code?: number }).code);
        resolve();
      });
      client.subscribe<{ alerts: { cursor: string } }>(
        { query: `subscription($after: String) { alerts(after: $after) { cursor } }`, variables: { after } },
        {
          next: ({ data }) => {
            received.push(data!.alerts.cursor);
            after = data!.alerts.cursor;
          },
          error: () => resolve(),
          complete: () => resolve(),
        },
      );
    });

  const onA = follow(a.url);
  await new Promise((r) => setTimeout(r, 300));
  // 40 transactions of 10 alerts over ~2 s; A is told to stop a third of the way in.
  const writer = (async () => {
    for (let i = 0; i < 40; i++) {
      await dataSource.transaction((em) =>
        recordAlerts(
          em,
          Array.from({ length: 10 }, (_, j) => ({ kind: AlertKind.FEEDBACK_OVERDUE, agencyId: tpa.databaseId, agencyPath: tpa.path, message: `S-${i}-${j}` })),
        ),
      );
      if (i === 13) a.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await onA;
  expect(closeCodes[0]).toBe(1001);
  expect(await a.exited).toBe(0);

  const client = wsClient(b.url, token);
  const onB = new Promise<void>((resolve) => {
    client.subscribe<{ alerts: { cursor: string } }>(
      { query: `subscription($after: String) { alerts(after: $after) { cursor } }`, variables: { after } },
      {
        next: ({ data }) => {
          received.push(data!.alerts.cursor);
          if (received.length >= 400) resolve();
        },
        error: () => resolve(),
        complete: () => resolve(),
      },
    );
  });
  await writer;
  await Promise.race([onB, new Promise((r) => setTimeout(r, 20_000))]);
  await client.dispose();
  b.process.kill('SIGTERM');
  expect(await b.exited).toBe(0);

  const expected = (await dataSource.query(`SELECT seq::text AS cursor FROM alert WHERE seq > $1 ORDER BY seq`, [start])).map(
    (r: { cursor: string }) => r.cursor,
  );
  expect(expected).toHaveLength(400);
  expect(received).toEqual(expected);
}, 120_000);
