import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';

/** Shared pieces of the benchmarks: figures over runs, child processes, HTTP to the API. */

export const ROOT = path.resolve(__dirname, '../..');
export const DIST = path.join(ROOT, 'dist');

/** A measure over several runs: the median, with min and max shown next to it. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function figure(runs: number[]): Figure {
  if (runs.length === 0) throw new Error('a figure needs at least one run');
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs };
}

/**
 * CPU time (user + system, ms) a process and the children it has waited for have used, from
 * /proc/<pid>/stat (Linux; null where it cannot be read): a PostgreSQL backend that exited
 * is counted in its postmaster's.
 */
function processTreeCpuMs(pid: number): number | null {
  try {
    // Fields after the command (which may hold spaces, hence after the last ')'): state is 3,
    // utime 14, stime 15, cutime 16, cstime 17 (proc(5)), in clock ticks of 1/100 s on Linux.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (n: number) => Number(fields[n - 3]);
    return (ticks(14) + ticks(15) + ticks(16) + ticks(17)) * 10;
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) every PostgreSQL process on this machine has used, backends that exited
 * included; null when none is visible (a server elsewhere, or no /proc). Without `ps`: the
 * processes whose command is `postgres`.
 */
export function postgresCpuMs(): number | null {
  let total = 0;
  let seen = false;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  for (const entry of entries) {
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // gone since the listing
    }
    const cpu = processTreeCpuMs(Number(entry));
    if (cpu === null) continue;
    total += cpu;
    seen = true;
  }
  return seen ? total : null;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** What each of the bench's servers listens on (see benchPort). */
export enum BenchServer {
  EMBEDDED_POSTGRES,
  API,
  STATEMENT_COUNTING_API,
  FRESH_API,
  BARE_HTTP,
}

/**
 * A port for one of the bench's servers, below the kernel's ephemeral range (32768–60999
 * here), from which the load generators' and P3's 10,000 subscribers' own sockets take their
 * ports: a server started there after P3 could find its port held by one of them, closed and
 * waiting out TIME_WAIT (EADDRINUSE for the fresh API of P3's memory reading).
 * 26000–30999, clear of RabbitMQ's 25672; the process id spreads two benches apart.
 */
export function benchPort(server: BenchServer): number {
  return 26_000 + (process.pid % 1000) * 5 + server;
}

/** A Node child process whose output goes to a log file; rejects `exited` on a non-zero exit. */
export function spawnNode(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; log: string; ipc?: boolean; nodeArgs?: string[] },
): ChildProcess {
  const out = fs.openSync(options.log, 'a');
  try {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, out, ...(options.ipc ? (['ipc'] as const) : [])],
    });
    // Unheard, a child's 'error' (a message to one that has exited, say) would end the bench
    // without its clean-up; callers learn of a dead child through sendTo and its exit.
    child.on('error', (err) => fs.appendFileSync(options.log, `[bench] ${err.message}\n`));
    return child;
  } finally {
    fs.closeSync(out); // the child has its own copy
  }
}

/** Sends a message over a child's IPC channel; throws when the child is gone. */
export function sendTo(child: ChildProcess, message: object, who: string): void {
  if (!child.connected) throw new Error(`${who} exited (code ${child.exitCode ?? child.signalCode})`);
  child.send(message);
}

/** Runs a child to its end; throws with the tail of its log when it fails. */
export function runNode(script: string, args: string[], options: { env?: Record<string, string>; log: string }): Promise<void> {
  const child = spawnNode(script, args, options);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const tail = fs.readFileSync(options.log, 'utf8').split('\n').slice(-15).join('\n');
      reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code}:\n${tail}`));
    });
  });
}

export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

export interface GraphQLResult<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResult<T>;
}

/** Like gql, but throws on any error: the bench cannot go on without the answer. */
export async function gqlOk<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await gql<T>(url, query, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`GraphQL error: ${JSON.stringify(res.errors ?? res)}`);
  return res.data;
}

/**
 * A full garbage collection in a node process started with `--inspect=127.0.0.1:0`, through
 * the inspector protocol (HeapProfiler.collectGarbage, what a heap snapshot starts with): the
 * process itself offers no way to ask for one. `inspectorUrl` is the `ws://` address the
 * process printed ("Debugger listening on …"), so no other process can answer.
 */
export async function collectGarbage(inspectorUrl: string, timeoutMs = 30_000): Promise<void> {
  const socket = new WebSocket(inspectorUrl);
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`collectGarbage: no answer within ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('collectGarbage: the inspector closed the connection')));
      socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      socket.on('message', (data) => {
        const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        if (answer.error) reject(new Error(`collectGarbage: ${answer.error.message}`));
        else resolve();
      });
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

/** The inspector address a node process started with `--inspect` printed to its log, past byte `from`. */
export async function inspectorUrlOf(logFile: string, from = 0, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    'the inspector address in the log',
    async () => /Debugger listening on (ws:\/\/\S+)/.exec(fs.readFileSync(logFile).subarray(from).toString('utf8'))?.[1],
    timeoutMs,
    100,
  );
}

/** One value of a Prometheus text exposition (the first sample of that name). */
export async function metric(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

/** autocannon in its own process (the load generator never shares the server's event loop). */
export async function autocannon(
  url: string,
  options: { connections: number; seconds: number; body?: string; headers?: Record<string, string>; log: string },
): Promise<LoadResult> {
  const bin = path.join(ROOT, 'node_modules/autocannon/autocannon.js');
  const args = ['-c', String(options.connections), '-d', String(options.seconds), '--json'];
  if (options.body !== undefined) args.push('-m', 'POST', '-b', options.body);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  args.push(url);
  const child = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', fs.openSync(options.log, 'a')] });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  return { requestsPerSecond: result.requests.average, latencyP99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}
