import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { freePort } from './ports';
import Redis from 'ioredis';

/**
 * Where the multi-instance tests find Redis, in order: TEST_REDIS_URL, the local server these
 * machines run on 127.0.0.1:6379, or a `redis-server` started for the run when the binary is
 * installed. Without any of them those tests are skipped, saying why.
 */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1500, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface TestRedis {
  url: string | null;
  /** Why there is none (printed when the tests that need it are skipped). */
  absentReason?: string;
  process?: ChildProcess;
}

export async function findOrStartRedis(): Promise<TestRedis> {
  const configured = process.env.TEST_REDIS_URL;
  if (configured) {
    if (!(await redisAnswers(configured))) throw new Error(`TEST_REDIS_URL is set but Redis does not answer at ${configured}.`);
    return { url: configured };
  }
  if (await redisAnswers(LOCAL_REDIS_URL)) return { url: LOCAL_REDIS_URL };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return { url: null, absentReason: 'no Redis on 127.0.0.1:6379, no TEST_REDIS_URL and no redis-server binary (apt-get install redis-server)' };
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  return { url: null, absentReason: `redis-server did not start on port ${port}` };
}

/**
 * A TCP proxy in front of Redis or PostgreSQL that a test can cut (connections reset, new ones
 * refused) and restore, as if the server went down, or hold (connections open, nothing
 * forwarded either way, new ones accepted and left waiting) and release, as if it froze.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const port = await freePort();
  let server: net.Server | undefined;
  let held = false;
  // Unpiped and paused: a pipe would resume its source whenever the destination drains.
  const stop = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream).pause();
    upstream.unpipe(client).pause();
  };
  const flow = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        const pair: [net.Socket, net.Socket] = [client, upstream];
        pairs.add(pair);
        for (const s of pair) {
          sockets.add(s);
          s.on('close', () => {
            sockets.delete(s);
            pairs.delete(pair);
          });
          s.on('error', () => undefined);
        }
        if (held) stop(pair);
        else flow(pair);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server!.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  const hold = () => {
    held = true;
    for (const pair of pairs) stop(pair);
  };
  const release = () => {
    held = false;
    for (const pair of pairs) flow(pair);
  };
  await listen();
  return { url: `redis://127.0.0.1:${port}`, port, cut, restore: listen, hold, release, close: cut };
}
