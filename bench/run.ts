import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDataSource, CONNECTION_SETTINGS } from '../ormconfig';
import { PG_TYPES } from '../src/db/pg-types';
import { signToken } from '../src/auth/tokens';
import { OVERDUE_CANDIDATES } from '../src/subscriptions/detectors';
import { adminQuery, canConnect, LOCAL_POSTGRES_URL, withDatabase } from '../src/db/admin';
import { RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { Role } from '../src/domain/enums';
import { startAutovacuumStandIn } from './autovacuum';
import { benchPort, BenchServer, DIST, inspectorUrlOf, ROOT, runNode, spawnNode, stopChild, waitFor } from './lib';
import {
  alertFanOut,
  BenchContext,
  dossierPage,
  insertOpenDossiers,
  Measure,
  monthRecompute,
  overdueLag,
  publicRankings,
  scoreToAction,
  syncImport,
} from './measures';

/**
 * `npm run bench [-- --quick] [-- --out file] [-- --only P1,P3]`: the product against its limits
 * (issue 8), each figure a ratio against a baseline measured in the same run, the median of
 * at least three runs with min and max. Starts PostgreSQL (BENCH_DATABASE_URL, else the local
 * server, else an embedded one), seeds with the seed command, runs the API as its own process,
 * and load generators in others. Exits non-zero only when it cannot run; a missed target is a
 * figure, not a failure.
 */
const SIZES = {
  full: {
    seedDossiers: 1_000_000,
    openDossiers: 1_000_000,
    p1Seconds: 10,
    p3Subscribers: 10_000,
    p3Alerts: 10,
    p3AlertGapMs: 1000,
    p5EventsPerRun: 50_000,
    p6Dossiers: 20,
  },
  quick: { seedDossiers: 5_000, openDossiers: 10_000, p1Seconds: 1, p3Subscribers: 200, p3Alerts: 3, p3AlertGapMs: 200, p5EventsPerRun: 3_000, p6Dossiers: 4 },
};
const PERIOD = '2025-11';
const JWT_SECRET = 'bench-secret-of-at-least-16-chars';

function parseArgs(argv: string[]) {
  const args = {
    quick: false,
    out: path.join(ROOT, 'bench/results.json'),
    only: null as string[] | null,
    sizes: {} as Record<string, number>,
    database: null as string | null,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--out') args.out = path.resolve(value());
    else if (flag === '--only')
      args.only = value()
        .split(',')
        .map((s) => s.trim().toUpperCase());
    else if (flag === '--size') {
      const [name, n] = value().split('=');
      if (!(name in SIZES.full) || !/^\d+$/.test(n ?? '')) throw new Error(`--size takes name=number, name one of ${Object.keys(SIZES.full).join(', ')}`);
      args.sizes[name] = Number(n);
    } else if (flag === '--database') args.database = value();
    else
      throw new Error(
        `Unknown argument "${argv[i]}". Usage: npm run bench -- [--quick] [--out results.json] [--only P1,P2] [--size p3Subscribers=2000] [--database name]`,
      );
  }
  return args;
}

async function findPostgres(workDir: string): Promise<{ adminUrl: string; embedded?: RunningPostgres; where: string }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    if (!(await canConnect(given))) throw new Error(`BENCH_DATABASE_URL is set but PostgreSQL does not answer at ${given}`);
    return { adminUrl: given, where: 'BENCH_DATABASE_URL' };
  }
  if (await canConnect(LOCAL_POSTGRES_URL)) return { adminUrl: LOCAL_POSTGRES_URL, where: 'local PostgreSQL 127.0.0.1:5432' };
  const port = benchPort(BenchServer.EMBEDDED_POSTGRES);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(workDir, 'pg'), port, database: 'postgres' });
  return { adminUrl: embedded.url, embedded, where: `embedded PostgreSQL on ${port}` };
}

function table(measures: Measure[]): string {
  const rows = [['#', 'measure', 'figures: median (min–max) over runs', 'result', 'target', '']];
  for (const m of measures) {
    const figures = Object.entries(m.figures)
      .map(([name, f]) => `${name} ${f.median} (${f.min}–${f.max}) ${f.unit}`)
      .join('; ');
    rows.push([m.id, m.measure, figures, m.result, m.target, m.met ? 'met' : 'MISSED']);
  }
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The API as its own process; resolves once /health/ready answers. */
async function startApi(databaseUrl: string, port: number, nodeEnv: 'production' | 'test', workDir: string, nodeArgs: string[]) {
  const api = spawnNode(path.join(DIST, 'src/main.js'), [], {
    env: {
      NODE_ENV: nodeEnv,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      JWT_SECRET,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
      RATE_LIMIT_TOKEN_PER_MINUTE: '10000000',
      // P3's subscribers all come from this machine's address.
      WS_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
      WS_MAX_SUBSCRIPTIONS_PER_ADDRESS: '100000000',
      REDIS_URL: '',
    },
    log: path.join(workDir, `api-${port}.log`),
    nodeArgs,
  });
  const exited = new Promise<never>((_, reject) =>
    api.once('exit', (code) => reject(new Error(`the API exited with ${code}; see ${path.join(workDir, `api-${port}.log`)}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitFor('the API to be ready', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, 120_000, 250), exited]);
  } catch (err) {
    await stopChild(api, 'SIGKILL'); // a process that never got ready must not outlive the bench
    throw err;
  }
  return api;
}

/** "ANALYZE sync_event ×3, VACUUM ANALYZE alert" from the stand-in's list of commands. */
function summarise(commands: string[]): string {
  const counts = new Map<string, number>();
  for (const c of commands) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n > 1 ? `${c} ×${n}` : c)).join(', ');
}

type Sizes = typeof SIZES.full;
type Args = ReturnType<typeof parseArgs>;
type Log = (message: string) => void;

const urlsOf = (apiPort: number) => ({
  url: `http://127.0.0.1:${apiPort}/graphql`,
  wsUrl: `ws://127.0.0.1:${apiPort}/graphql`,
  metricsUrl: `http://127.0.0.1:${apiPort}/metrics`,
});

/** Data: the seed command, its dossiers packed into one month (P4), then open dossiers (P6). */
async function seed(pool: pg.Pool, databaseUrl: string, sizes: Sizes, workDir: string, log: Log) {
  let t = Date.now();
  await runNode(
    path.join(DIST, 'src/cli/seed.js'),
    ['--dossiers', String(sizes.seedDossiers), '--from', `${PERIOD}-01T00:00:00+07:00`, '--now', `${PERIOD}-30T17:00:00+07:00`],
    { env: { DATABASE_URL: databaseUrl }, log: path.join(workDir, 'seed.log') },
  );
  log(`Seeded ${sizes.seedDossiers.toLocaleString('en')} dossiers in ${PERIOD} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  // Open, received before the month (so P2's page stays on the seeded dossiers) and due between
  // two days and a year from now: nothing the run should alert on, all of it in the scanners' way.
  await insertOpenDossiers(pool, {
    prefix: 'OPEN',
    count: sizes.openDossiers,
    receivedAt: "timestamptz '2025-09-15T09:00:00+07:00'",
    dueAt: "now() + interval '2 days' + (g % 360) * interval '1 day'",
  });
  await pool.query('ANALYZE dossier');
  log(`Added ${sizes.openDossiers.toLocaleString('en')} open dossiers in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * Lets the API settle first: the seeded month leaves open dossiers past due, whose overdue
 * alerts the scanner raises on start; measuring during that would measure the backlog.
 */
async function settle(pool: pg.Pool, log: Log) {
  const t = Date.now();
  await waitFor(
    'the overdue backlog to be alerted and sequenced',
    async () => {
      const { rows } = await pool.query(
        // The scanner's own condition: a dossier waiting with its clock stopped is not overdue.
        `SELECT (SELECT count(*) FROM dossier d WHERE ${OVERDUE_CANDIDATES})::int AS pending,
              (SELECT count(*) FROM alert WHERE seq IS NULL)::int AS unsequenced`,
        [new Date()],
      );
      return rows[0].pending === 0 && rows[0].unsequenced === 0;
    },
    900_000,
    1000,
  );
  log(`API settled (overdue backlog alerted) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  // Raising that backlog rewrote ~200k dossier and alert rows. Autovacuum would clean up
  // behind it; where it is off (as on the local server of these machines) the dead rows stay
  // in every index scan (the sequencer's pending scan among them), so vacuum once, as it would.
  const [{ autovacuum }] = (await pool.query(`SELECT current_setting('autovacuum') AS autovacuum`)).rows;
  await pool.query('VACUUM ANALYZE dossier, alert');
  log(`Vacuumed dossier and alert (autovacuum is ${autovacuum} on this server)`);
}

/** What every measure gets, with the two extra API instances some of them start. */
function benchContext(o: {
  args: Args;
  sizes: Sizes;
  workDir: string;
  databaseUrl: string;
  port: number;
  pool: pg.Pool;
  dataSource: BenchContext['dataSource'];
  log: Log;
}): BenchContext {
  const { args, sizes, workDir, databaseUrl, port, pool, dataSource, log } = o;
  return {
    quick: args.quick,
    runs: 3,
    workDir,
    api: urlsOf(port),
    // P3 reads memory on an instance of its own, started with an inspector (on a port of the
    // system's choosing) through which the bench asks for a full collection.
    withFreshApi: async (use) => {
      const freshPort = benchPort(BenchServer.FRESH_API);
      const logFile = path.join(workDir, `api-${freshPort}.log`);
      // Logs are appended: the address is looked for only in what this instance wrote.
      const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
      const fresh = await startApi(databaseUrl, freshPort, 'production', workDir, ['--inspect=127.0.0.1:0']);
      try {
        return await use({ ...urlsOf(freshPort), inspectorUrl: await inspectorUrlOf(logFile, logStart) });
      } finally {
        await stopChild(fresh);
      }
    },
    // Production hides extensions.sqlStatements (and skips counting them), so P2 counts on a second, development-mode instance.
    withStatementCounts: async (use) => {
      const countingPort = benchPort(BenchServer.STATEMENT_COUNTING_API);
      const counting = await startApi(databaseUrl, countingPort, 'test', workDir, []);
      try {
        return await use(`http://127.0.0.1:${countingPort}/graphql`);
      } finally {
        await stopChild(counting);
      }
    },
    pool,
    dataSource,
    adminToken: signToken({ sub: 'bench', role: Role.ADMIN, agencyCode: 'HNI' }, JWT_SECRET, '12h'),
    period: PERIOD,
    sizes,
    log,
  };
}

/** The measures asked for, in their running order, sorted by id; with the ids of those that could not run. */
async function runMeasures(ctx: BenchContext, args: Args, sizes: Sizes, log: Log) {
  const wanted = (id: string) => !args.only || args.only.includes(id);
  const steps: [string, () => Promise<Measure>][] = [
    ['P1', () => publicRankings(ctx)],
    ['P2', () => dossierPage(ctx)],
    ['P7', () => scoreToAction(ctx)],
    ['P4', () => monthRecompute(ctx)],
    // Before P5: its imported histories leave old open dossiers for the scanner to alert on.
    ['P6', () => overdueLag(ctx, sizes.openDossiers)],
    ['P5', () => syncImport(ctx)],
    ['P3', () => alertFanOut(ctx)],
  ];
  const measures: Measure[] = [];
  const failed: string[] = [];
  for (const [id, step] of steps.filter(([id]) => wanted(id))) {
    log(`${id} …`);
    const stepStarted = Date.now();
    try {
      measures.push(await step());
    } catch (error) {
      // One measure that cannot run does not lose the others; the exit code still says so.
      failed.push(id);
      log(`  ${id} could not run: ${error instanceof Error ? error.message : error}`);
      measures.push({ id, measure: 'could not run', figures: {}, result: `error: ${error instanceof Error ? error.message : error}`, target: '', met: false });
    }
    log(`  ${id} took ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
  }
  measures.sort((a, b) => a.id.localeCompare(b.id));
  return { measures, failed };
}

/** results.json and the table on the console. */
function writeResults(o: { args: Args; sizes: Sizes; where: string; started: number; maintenance: string[] | undefined; measures: Measure[]; log: Log }) {
  const { args, sizes, where, started, maintenance, measures, log } = o;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const results = {
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    machine,
    postgres: where,
    seconds: Math.round((Date.now() - started) / 1000),
    sizes,
    autovacuumStandIn: maintenance ?? null,
    measures,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(
    `\n${results.date.slice(0, 10)} · ${machine} · ${results.mode} run, ${results.seconds} s\n${table(measures)}\n\nWritten to ${path.relative(process.cwd(), args.out)}; ${measures.filter((m) => m.met).length} of ${measures.length} targets met.`,
  );
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const sizes = { ...(args.quick ? SIZES.quick : SIZES.full), ...args.sizes };
  const workDir = path.join(ROOT, '.data', `bench-${process.pid}`);
  fs.mkdirSync(workDir, { recursive: true });
  const log = (message: string) => console.log(message);
  const started = Date.now();
  const { adminUrl, embedded, where } = await findPostgres(path.join(ROOT, '.data/bench-pg'));
  // --database keeps its data between runs (seeded once), for working on one measure.
  const database = args.database ?? `si_bench_${args.quick ? 'quick_' : ''}${process.pid}`;
  const databaseUrl = withDatabase(adminUrl, database);
  let api: ReturnType<typeof spawnNode> | undefined;
  let pool: pg.Pool | undefined;
  let autovacuumStandIn: Awaited<ReturnType<typeof startAutovacuumStandIn>> | undefined;
  const dataSource = createDataSource(databaseUrl, { poolSize: 4, applicationName: 'service-index-bench' });
  try {
    const reused = args.database !== null && (await adminQuery(adminUrl, `SELECT 1 FROM pg_database WHERE datname = $1`, [database])).length > 0;
    if (!reused) await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
    log(
      `Bench ${args.quick ? '(quick) ' : ''}on ${where}, database ${database}${reused ? ' (kept from an earlier run)' : ''}; logs in ${path.relative(ROOT, workDir)}/`,
    );
    // The baselines run with the API's own connection settings (JIT off), so a ratio compares the work, not the settings.
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4, options: CONNECTION_SETTINGS, types: PG_TYPES });
    if (!reused) await seed(pool, databaseUrl, sizes, workDir, log);
    await dataSource.initialize();

    // The API, as its own process, configured as in production.
    const port = benchPort(BenchServer.API);
    api = await startApi(databaseUrl, port, 'production', workDir, process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${workDir}`] : []);
    await settle(pool, log);
    autovacuumStandIn = await startAutovacuumStandIn(pool, { napMs: 5000, log });
    if (autovacuumStandIn.enabled) log('Autovacuum is off: the bench analyses and vacuums at its thresholds every 5 s, as it would');
    const ctx = benchContext({ args, sizes, workDir, databaseUrl, port, pool, dataSource, log });
    const { measures, failed } = await runMeasures(ctx, args, sizes, log);
    const maintenance = await autovacuumStandIn?.stop();
    if (maintenance?.length) log(`Autovacuum stand-in ran: ${summarise(maintenance)}`);
    writeResults({ args, sizes, where, started, maintenance, measures, log });
    if (failed.length) throw new Error(`${failed.join(', ')} could not run (see above); the other figures are written`);
  } finally {
    await autovacuumStandIn?.stop();
    await stopChild(api);
    await pool?.end();
    if (dataSource.isInitialized) await dataSource.destroy();
    if (!args.database) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench could not run: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
