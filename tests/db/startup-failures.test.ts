import 'reflect-metadata';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../../ormconfig';
import { freePort } from '../support/ports';

/** How the API fails to reach its database: with the reason, in bounded time. */
const EMBEDDED = path.resolve(__dirname, '../../dist/src/db/embedded-postgres.js');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

it('gives up connecting to a server that never answers, with "timeout", instead of waiting for TCP', async () => {
  // Accepts connections and says nothing, as a wrong host behind a firewall would.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => void sockets.push(socket));
  const port = await listen(silent);
  const dataSource = createDataSource(`postgres://postgres@127.0.0.1:${port}/nothing`, { poolSize: 1, connectTimeoutMs: 300 });
  const started = Date.now();
  try {
    await expect(dataSource.initialize()).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

it('says why embedded PostgreSQL did not start (its own log), not "undefined"', async () => {
  const busy = net.createServer();
  const port = await listen(busy);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-embedded-'));
  fs.chmodSync(dataDir, 0o777); // initdb may run as the package's postgres user
  try {
    // In a child process, from dist/ (built by the global setup): the package is an ES module,
    // which jest's CommonJS sandbox cannot import.
    const script = `require(${JSON.stringify(EMBEDDED)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, database: 'nothing' })
      .then(() => { console.log('started'); process.exit(0); }, (err) => { console.log(err instanceof Error ? err.message : 'not an Error: ' + String(err)); process.exit(1); })`;
    const { stdout } = await new Promise<{ stdout: string }>((resolve) =>
      execFile(process.execPath, ['-e', script], (_error, out) => resolve({ stdout: out })),
    );
    expect(stdout).toContain(`did not start on port ${port}`);
    expect(stdout).toMatch(/address already in use|could not bind|could not create/i);
  } finally {
    busy.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

/** `npm start` as the Dockerfile and package.json run it (dist/ is built by the global setup). */
const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/** Whether the process runs: exists and has not exited (a zombie waits for its new parent to reap it). */
function processExists(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The postmaster's pid from the first line of its lock file, if the file is there. */
function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postgres', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

async function waitFor(what: string, done: () => boolean, ms = 30_000): Promise<void> {
  for (const until = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > until) throw new Error(`still waiting for ${what} after ${ms} ms`);
  }
}

/** The API with its embedded PostgreSQL under dataDir, started as `npm start` does, once it says it is ready. */
async function startApiOnEmbedded(
  dataDir: string,
  pgPort: number,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; output: () => string }> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(port),
      NODE_ENV: 'development',
      DEMO_DATA: 'false',
      REDIS_URL: '',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start: ${output}`)), 90_000);
    child.stdout!.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('Service Index API ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk) => (output += String(chunk)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, exited, output: () => output };
}

async function agencyCount(url: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ agencies(first: 1) { totalCount } }' }),
  });
  return { status: res.status, body: await res.json() };
}

// Recovery reads the server's directory and parent from /proc (Linux); elsewhere PostgreSQL's own message stands.
(fs.existsSync('/proc/self/stat') ? it : it.skip)(
  'recovers its own embedded PostgreSQL after the API was killed with -9 (orphaned, or killed too), and leaves none running when stopped',
  async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-orphan-'));
    fs.chmodSync(dataDir, 0o777); // initdb runs as the package's postgres user when we are root
    const pgPort = await freePort();
    const postmasters = new Set<number>();
    const apis: ChildProcess[] = [];
    try {
      const first = await startApiOnEmbedded(dataDir, pgPort);
      apis.push(first.child);
      const orphan = postmasterPid(dataDir)!;
      postmasters.add(orphan);
      expect(await agencyCount(first.url)).toMatchObject({ status: 200, body: { data: { agencies: { totalCount: expect.any(Number) } } } });

      // While its starter lives the server is in use, not orphaned: a second start leaves it alone.
      await expect(startApiOnEmbedded(dataDir, pgPort)).rejects.toThrow(
        `PostgreSQL is already running in ${path.join(dataDir, 'postgres')} (pid ${orphan}), started by process ${first.child.pid}, which is still running`,
      );
      expect(await agencyCount(first.url)).toMatchObject({ status: 200, body: { data: { agencies: { totalCount: expect.any(Number) } } } });

      // kill -9 runs no exit hook: PostgreSQL outlives the API, its lock file in place.
      first.child.kill('SIGKILL');
      await first.exited;
      expect(processExists(orphan)).toBe(true);

      const second = await startApiOnEmbedded(dataDir, pgPort);
      apis.push(second.child);
      postmasters.add(postmasterPid(dataDir)!);
      expect(await agencyCount(second.url)).toMatchObject({ status: 200, body: { data: { agencies: { totalCount: expect.any(Number) } } } });
      expect(second.output()).toContain(`stopping the embedded PostgreSQL (pid ${orphan})`);
      // The orphan was stopped, not adopted: the server running now is this API's own child.
      expect(processExists(orphan)).toBe(false);
      expect(postmasterPid(dataDir)).not.toBe(orphan);

      // Both killed at once: the lock file names a process that has exited (gone, which PostgreSQL
      // itself checks, or a zombie where init reaps nothing, which PostgreSQL takes for running).
      const server = postmasterPid(dataDir)!;
      second.child.kill('SIGKILL');
      process.kill(server, 'SIGKILL');
      await second.exited;
      await waitFor('the killed postmaster to be gone', () => !processExists(server));
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

      const third = await startApiOnEmbedded(dataDir, pgPort);
      apis.push(third.child);
      postmasters.add(postmasterPid(dataDir)!);
      expect(await agencyCount(third.url)).toMatchObject({ status: 200, body: { data: { agencies: { totalCount: expect.any(Number) } } } });

      // A graceful stop stops the embedded server too: nothing is left running.
      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);
      for (const pid of postmasters) expect(processExists(pid)).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      await cleanUp(dataDir, apis, postmasters);
    }
  },
  240_000,
);

/** Kills the APIs a test started and every postgres it may have left (immediate shutdown), then removes its data. */
async function cleanUp(dataDir: string, apis: ChildProcess[], postmasters: Set<number>): Promise<void> {
  for (const api of apis) api.kill('SIGKILL');
  const left = postmasterPid(dataDir);
  if (left) postmasters.add(left);
  for (const pid of postmasters) if (processExists(pid)) process.kill(pid, 'SIGQUIT');
  await waitFor("the test's postmasters to stop", () => [...postmasters].every((pid) => !processExists(pid))).catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Holds a port on every address, as another program listening on it would. */
async function occupy(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A compiled CLI run beside the API, with the environment `npm run …` gives it on that machine. */
function runCliBeside(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve(__dirname, '../../dist/src/cli', script), ...args],
      { env: { ...process.env, NODE_ENV: 'development', REDIS_URL: '', LOG_LEVEL: 'silent', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

(fs.existsSync('/proc/self/stat') ? it : it.skip)(
  'fails, naming the setting, when a port is taken; beside a running API the CLIs use its embedded PostgreSQL',
  async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-ports-'));
    fs.chmodSync(dataDir, 0o777); // initdb runs as the package's postgres user when we are root
    const apis: ChildProcess[] = [];
    const postmasters = new Set<number>();
    try {
      // PostgreSQL's port taken: the start fails and says which variable to change.
      const busyPg = await occupy();
      try {
        await expect(startApiOnEmbedded(dataDir, busyPg.port)).rejects.toThrow(
          /API exited \(1\) before it was ready:[\s\S]*Port \d+ is taken by another program: set EMBEDDED_PG_PORT to a free port/,
        );
      } finally {
        await busyPg.close();
      }
      const pgPort = await freePort();

      // The API's port taken: the start fails (exit 1, not running without listening), naming PORT.
      const busyApi = await occupy();
      try {
        await expect(startApiOnEmbedded(dataDir, pgPort, { PORT: String(busyApi.port) })).rejects.toThrow(
          new RegExp(
            `API exited \\(1\\) before it was ready:[\\s\\S]*The API cannot listen on port ${busyApi.port}: another program \\(or another API\\) uses it\\. Set PORT to a free port`,
          ),
        );
      } finally {
        await busyApi.close();
      }
      // It stopped its embedded PostgreSQL on the way out.
      await waitFor("the failed start's PostgreSQL to stop", () => postmasterPid(dataDir) === undefined || !processExists(postmasterPid(dataDir)!));

      const api = await startApiOnEmbedded(dataDir, pgPort);
      apis.push(api.child);
      const postmaster = postmasterPid(dataDir)!;
      postmasters.add(postmaster);

      // Beside it, with no DATABASE_URL: the import uses the API's server instead of failing on its lock file.
      const file = path.join(dataDir, 'events.ndjson');
      const received = {
        eventId: 'PORTS-1:RECEIVED',
        dossierCode: 'PORTS.TEST.1',
        kind: 'RECEIVED',
        occurredAt: '2025-04-25T16:00:00+07:00',
        procedureCode: '1.001193',
        agencyCode: 'HNI-STP',
        channel: 'ONLINE',
        applicant: { kind: 'CITIZEN', name: 'Trần Văn B', idNumber: '001090012346' },
        lookupSecret: 'ports-secret-1234',
      };
      fs.writeFileSync(file, `${JSON.stringify(received)}\n`);
      // Another EMBEDDED_PG_PORT than the API's: the running server's own port is the one that counts.
      const env = { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort === 65000 ? 65001 : 65000) };
      const imported = await runCliBeside('import.js', [file], env);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(`using the embedded PostgreSQL that process ${api.child.pid} (npm start) runs in ${dataDir} (port ${pgPort})`);
      expect(imported.stdout).toMatch(/^\s+accepted\s+1$/m);
      // Stored in the API's database, and the API's server still runs, the same one.
      const tracked = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ trackDossier(code: "PORTS.TEST.1", secret: "ports-secret-1234") { code } }' }),
      });
      expect(await tracked.json()).toMatchObject({ data: { trackDossier: { code: 'PORTS.TEST.1' } } });
      expect(postmasterPid(dataDir)).toBe(postmaster);
      expect(processExists(postmaster)).toBe(true);
      expect(await agencyCount(api.url)).toMatchObject({ status: 200, body: { data: { agencies: { totalCount: expect.any(Number) } } } });

      // Run again: a duplicate, through the same running server.
      const again = await runCliBeside('import.js', [file], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^\s+duplicates\s+1$/m);

      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(processExists(postmaster)).toBe(false);
    } finally {
      await cleanUp(dataDir, apis, postmasters);
    }
  },
  300_000,
);
