import 'reflect-metadata';
import { createDataSource } from '../ormconfig';
import { signToken } from './auth/tokens';
import { loadConfig } from './config';
import { RunningPostgres, startEmbeddedPostgres } from './db/embedded-postgres';
import { periodsContaining, previousPeriod } from './domain/periods';
import { Role } from './domain/enums';
import { createServices, Services } from './services/container';
import { DataSource } from 'typeorm';
import { DEMO_DOSSIER_CODE, demoLookupSecret } from './seed';
import { prepareDatabase } from './seed/first-start';
import { provisionalWarning } from './services/calendar-service';
import { lookupSecretMatches } from './services/dossier-service';
import { RunningServer, startServer } from './http/server';

/** `npm start`: PostgreSQL (embedded unless DATABASE_URL), migrations, demo data on first run, the API. */
async function main() {
  const config = loadConfig();
  // What is running so far: a signal during start-up (a first start's seeding takes a while)
  // stops just that, the embedded server included, rather than leaving it running.
  const running: { embedded?: RunningPostgres; dataSource?: DataSource; services?: Services; server?: RunningServer } = {};
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down …`);
    // A step that hangs (the database gone mid-shutdown, a client that never lets go) must not
    // keep the process alive until the orchestrator kills it without a word.
    setTimeout(() => {
      console.error(`${signal}: shutdown did not finish in ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting.`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    const { embedded, dataSource, services, server } = running;
    try {
      await server?.close();
      if (services) {
        // The index's last drain may raise alerts (rank changes): before the sequencer's final flush.
        await services.index.whenIdle();
        await services.realtime.stop();
        await services.rateLimits.close();
      }
      if (dataSource?.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    } catch (err) {
      console.error(`${signal}: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    console.log(`Starting embedded PostgreSQL (data in ${config.dataDir}) …`);
    running.embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      database: 'service_index',
      ownSignals: STOP_SIGNALS,
    });
    databaseUrl = running.embedded.url;
  }
  const dataSource = (running.dataSource = createDataSource(databaseUrl, { connectTimeoutMs: config.databaseTimeoutMs }));
  await dataSource.initialize();
  // Instances started together on one database (compose starts two) take turns here: TypeORM
  // takes no lock to migrate, and two first starts would both create the schema (one fails
  // with "relation already exists") and both load the data.
  const setup = dataSource.createQueryRunner();
  await setup.connect();
  // Polled, not waited for in one statement: a statement waiting for the lock holds a snapshot,
  // and a migration's CREATE INDEX CONCURRENTLY (StoppedClocksInIndexes) waits for every older
  // snapshot to end, so the migrating instance would wait for the waiting one forever.
  while (!(await setup.query('SELECT pg_try_advisory_lock($1) AS locked', [STARTUP_LOCK]))[0].locked) {
    if (stopping) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    await prepareDatabase(dataSource, { demoData: config.demoData, log: (line) => console.log(line) });
  } finally {
    await setup.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]).catch(() => undefined);
    await setup.release();
  }

  const services = (running.services = createServices(config, dataSource));
  const example = await demoDossierExample(dataSource);
  await services.realtime.start();
  const server = (running.server = await startServer(services, config.port).catch((err: unknown) => {
    throw listenFailure(err, config.port) ?? err;
  }));
  const calendarWarning = provisionalWarning(await services.calendars.provisionalOutlook(new Date()));
  if (calendarWarning) console.warn(`Warning: ${calendarWarning}`);
  // A ready-made ADMIN token outside production only: production logs are read by many.
  const token = config.nodeEnv === 'production' ? null : signToken({ sub: 'dev-admin', role: Role.ADMIN, agencyCode: 'HNI' }, config.jwtSecret, '30d');
  // The last complete month (Vietnam time): the newest period with a whole month of the demo's figures.
  const period = previousPeriod(periodsContaining(new Date())[0]).key;
  console.log(startBanner(server.url, { token, graphiql: config.graphiql, example, period }));
}

/**
 * What every start prints, not only the first: where to go (the API, the pages), a dev token
 * outside production, a query to try on the last complete month, and a demo dossier to follow.
 */
function startBanner(url: string, o: { token: string | null; graphiql: boolean; example: { code: string; secret: string } | null; period: string }): string {
  const origin = url.replace(/\/graphql$/, '');
  const query = JSON.stringify({ query: `{ rankings(period: "${o.period}", kind: PROVINCE) { rank total agency { code name } } }` });
  return [
    '',
    'Service Index API ready',
    `  GraphQL:   ${url}`,
    `  WebSocket: ${url.replace('http', 'ws')} (graphql-transport-ws; alerts, rankingChanged, dossierUpdated)`,
    ...(o.graphiql ? [`  GraphiQL:  ${origin}/graphiql${o.token ? `#token=${o.token}` : ''}`] : []),
    `  Rankings:  ${origin}/rankings (public)`,
    `  Dashboard: ${origin}/dashboard${o.token ? `#token=${o.token}` : ' (sign in with a LEADER token: npm run token -- --role LEADER --agency HNI)'}`,
    ...(o.token ? ['  ADMIN token (30 days, dev only):', `    ${o.token}`] : []),
    `  Try: curl -s ${url} -H 'content-type: application/json' -d '${query}'`,
    `  Ranking as CSV: ${origin}/rankings.csv?period=${o.period}&kind=PROVINCE`,
    ...(o.example ? [`  A demo dossier to follow without a token: trackDossier(code: "${o.example.code}", secret: "${o.example.secret}")`] : []),
    '',
  ].join('\n');
}

/**
 * The demo dossier to follow (DEMO_DOSSIER_CODE, received by the seed with its demo lookup
 * secret), when the data is the demo data set. Looked up by its code, so that dossiers received
 * since (through the API, with secrets of their own) do not hide it on later starts.
 */
async function demoDossierExample(dataSource: DataSource): Promise<{ code: string; secret: string } | null> {
  const [row] = await dataSource.query(`SELECT code, lookup_secret_hash FROM dossier WHERE code = $1`, [DEMO_DOSSIER_CODE]);
  if (!row) return null;
  const secret = demoLookupSecret(row.code);
  return lookupSecretMatches(secret, row.lookup_secret_hash) ? { code: row.code, secret } : null;
}

/**
 * A listen error that a setting fixes, as a message naming it. Start-up then fails (exit 1):
 * an API that runs without listening would look healthy to a deploy that only sees it run.
 */
function listenFailure(err: unknown, port: number): Error | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new Error(`The API cannot listen on port ${port}: another program (or another API) uses it. Set PORT to a free port, or stop that program.`, {
      cause: err,
    });
  if (code === 'EACCES')
    return new Error(`The API may not listen on port ${port} (ports below 1024 need privileges): set PORT to a port from 1024 up.`, { cause: err });
  return undefined;
}

/** The signals that stop the API gracefully (SIGHUP: the terminal it ran in was closed). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Longest a graceful shutdown may take (Kubernetes' default grace period is 30 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;

/** Key of the advisory lock instances hold while they migrate and load data on start. */
const STARTUP_LOCK = 766_2025;

/** Set once a signal asked the API to stop: start-up failing after that is the stop, not an error. */
let stopping = false;

main().catch((err) => {
  if (stopping) return;
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
