import type { Socket } from 'node:net';
import type { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { log } from '../log';
import { isDatabaseUnavailable } from './unavailable';

/**
 * Fails the statements of a database that has stopped answering, so that their requests get
 * a retryable error (SERVICE_UNAVAILABLE) instead of waiting for as long as the stall lasts.
 *
 * The pool's connect timeout bounds waiting for a connection, but nothing bounds waiting for an
 * answer on a connection already open: a frozen server, or a network path that drops packets
 * without resetting, never answers, and PostgreSQL's own `statement_timeout` cannot fire on a
 * server that does not run. A client-side statement timeout would also cut the statements that
 * are slow on purpose (the full recompute counts for minutes). So a connection whose socket has
 * received nothing for `timeoutMs` while checked out is only a suspect: the database is then
 * asked, on a new connection, to answer `SELECT 1` within `timeoutMs`. If it answers, the
 * statement is just slow and is left alone (asked again at most every `timeoutMs`); if not,
 * every connection of the pool that has been silent that long is closed, which fails its
 * statements with "Connection terminated", and the pool opens new ones when the database is back.
 */
export function watchForStalls(dataSource: DataSource, timeoutMs: number): () => void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return () => undefined;
  const clients = new Map<Client, { checkedOutAt?: number; bytesRead: number; heardAt: number }>();
  const onConnect = (client: Client) => void clients.set(client, { bytesRead: 0, heardAt: Date.now() });
  const onAcquire = (client: Client) => {
    const state = clients.get(client);
    if (state) state.checkedOutAt = Date.now();
  };
  const onRelease = (_err: unknown, client: Client) => {
    const state = clients.get(client);
    if (state) state.checkedOutAt = undefined;
  };
  const onRemove = (client: Client) => void clients.delete(client);
  pool.on('connect', onConnect).on('acquire', onAcquire).on('release', onRelease).on('remove', onRemove);
  // Connections opened before the watch began (TypeORM's first one) are watched as well.
  for (const client of (pool as unknown as { _clients?: Client[] })._clients ?? []) onConnect(client);

  let probing = false;
  let answeredAt = 0;
  const check = () => {
    const now = Date.now();
    const silent: Client[] = [];
    let suspect = false;
    for (const [client, state] of clients) {
      const bytesRead = socketOf(client)?.bytesRead ?? state.bytesRead;
      if (bytesRead !== state.bytesRead) Object.assign(state, { bytesRead, heardAt: now });
      const quietSince = Math.max(state.heardAt, state.checkedOutAt ?? state.heardAt);
      if (now - quietSince < timeoutMs) continue;
      silent.push(client);
      if (state.checkedOutAt !== undefined) suspect = true;
    }
    if (!suspect || probing || now - answeredAt < timeoutMs) return;
    probing = true;
    void probe(pool, timeoutMs)
      .then(
        () => void (answeredAt = Date.now()),
        (err: unknown) => {
          // Too many connections: the server runs, and so may the statements; anything else is an answer too.
          if (!isDatabaseUnavailable(err) || (err as { code?: unknown }).code === '53300') return void (answeredAt = Date.now());
          log.warn({ err, connections: silent.length }, `database: no answer within ${timeoutMs} ms; closing its silent connections`);
          for (const client of silent) socketOf(client)?.destroy();
        },
      )
      .finally(() => (probing = false));
  };
  const timer = setInterval(check, Math.min(1_000, Math.max(50, timeoutMs / 4)));
  timer.unref();
  return () => {
    clearInterval(timer);
    pool.off('connect', onConnect).off('acquire', onAcquire).off('release', onRelease).off('remove', onRemove);
  };
}

/** `SELECT 1` on a connection of its own, with the pool's settings, answered within timeoutMs. */
async function probe(pool: Pool, timeoutMs: number): Promise<void> {
  const PgClient = (pool as unknown as { Client: typeof Client }).Client;
  const client = new PgClient({ ...pool.options, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    // Not end(): it waits for the server to acknowledge, which a stalled one never does.
    socketOf(client)?.destroy();
  }
}

/** The connection's socket (pg keeps it on `connection.stream`; it has no public accessor). */
function socketOf(client: Client): Socket | undefined {
  return (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
}
