import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A real graphql-ws client over a real socket. */
export function wsClient(url: string, token?: string, options: { lazy?: boolean; retryAttempts?: number; onConnected?: () => void } = {}): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: options.lazy ?? true,
    retryAttempts: options.retryAttempts ?? 0,
    on: options.onConnected ? { connected: options.onConnected } : undefined,
  });
}

export interface Collected<T> {
  items: T[];
  errors: unknown[];
  closed: { code?: number; reason?: string } | null;
  /** Resolves once at least n items arrived (rejects after the timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  dispose(): void;
}

/** Subscribes and collects every payload; remembers errors and the socket's close code. */
export function collect<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): Collected<T> {
  const out: Collected<T> = {
    items: [],
    errors: [],
    closed: null,
    waitFor: (n, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (out.items.length >= n) return resolve(out.items);
          if (out.errors.length || out.closed) return reject(new Error(`stream ended: ${JSON.stringify({ errors: out.errors, closed: out.closed })}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`timeout waiting for ${n} items, got ${out.items.length}`));
          setTimeout(check, 20);
        };
        check();
      }),
    dispose: () => undefined,
  };
  client.on('closed', (event) => {
    const e = event as { code?: number; reason?: string };
    out.closed = { code: e.code, reason: e.reason };
  });
  out.dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) out.errors.push(value.errors);
        else out.items.push(value.data as T);
      },
      error: (err) => out.errors.push(err),
      complete: () => undefined,
    },
  );
  return out;
}

/** Waits for the socket to close and returns its close code. */
export function closeCodeOf(collected: Collected<unknown>, timeoutMs = 5000): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (collected.closed) return resolve(collected.closed.code);
      if (collected.errors.length) {
        const err = collected.errors[0] as { code?: number };
        if (typeof err?.code === 'number') return resolve(err.code);
      }
      if (Date.now() - started > timeoutMs) return reject(new Error('socket did not close'));
      setTimeout(check, 20);
    };
    check();
  });
}

/** Waits for the stream's first errors (a refused subscribe, an error that ended it); rejects if none come. */
export function errorsOf(stream: Collected<unknown>, timeoutMs = 10_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (stream.errors.length) return resolve(stream.errors);
      if (Date.now() - started > timeoutMs) return reject(new Error(`no error; got ${JSON.stringify(stream.items)}`));
      setTimeout(check, 20);
    };
    check();
  });
}
