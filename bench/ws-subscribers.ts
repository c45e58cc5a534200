import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * P3's subscribers, in their own process: `count` graphql-ws clients, one socket and one
 * `alerts` subscription each (or, for the floor, `count` plain WebSockets to the bare server
 * of bench/bare-ws-server.ts, reading the same messages). Driven over IPC by the bench: it says when to connect, asks for
 * the arrival times of each alert (keyed by message) and says when to close.
 */
type Command =
  | { type: 'connect'; url: string; token: string; count: number; batch: number }
  | { type: 'connect-bare'; url: string; count: number; batch: number }
  | { type: 'report' }
  | { type: 'close' };

const clients: Client[] = [];
const disposers: (() => void)[] = [];
const bareSockets: WebSocket[] = [];
let arrivals = new Map<string, number[]>();
let failures = 0;

function arrived(message: string, at: number) {
  const list = arrivals.get(message) ?? [];
  list.push(at);
  arrivals.set(message, list);
}

/** Opens `count` connections, `batch` at a time: each batch is open before the next starts. */
async function openInBatches(count: number, batch: number, open: () => Promise<void>) {
  for (let start = 0; start < count; start += batch) {
    const opened: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) opened.push(open());
    await Promise.all(opened);
  }
}

/** Plain WebSockets, each reading the `next` messages the bare server sends as graphql-ws would. */
function connectBare(url: string, count: number, batch: number) {
  return openInBatches(count, batch, () => {
    const socket = new WebSocket(url);
    bareSockets.push(socket);
    socket.on('message', (data) => {
      const at = Date.now();
      const message = JSON.parse(String(data)) as { payload: { data: { alerts: { message: string } } } };
      arrived(message.payload.data.alerts.message, at);
    });
    socket.on('error', () => void failures++);
    return new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  });
}

function connect(url: string, token: string, count: number, batch: number) {
  return openInBatches(count, batch, () => {
    let connected!: () => void;
    const opened = new Promise<void>((resolve) => (connected = resolve));
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => connected() },
    });
    clients.push(client);
    disposers.push(
      client.subscribe<{ alerts: { message: string } }>(
        { query: 'subscription { alerts(kinds: [DOSSIER_OVERDUE]) { cursor kind message } }' },
        {
          next: ({ data }) => {
            const at = Date.now();
            if (data) arrived(data.alerts.message, at);
          },
          error: () => void failures++,
          complete: () => undefined,
        },
      ),
    );
    return opened;
  });
}

process.on('message', (command: Command) => {
  if (command.type === 'connect') {
    connect(command.url, command.token, command.count, command.batch).then(
      () => process.send!({ type: 'connected', clients: clients.length }),
      (err: Error) => process.send!({ type: 'failed', message: err.message }),
    );
  } else if (command.type === 'connect-bare') {
    connectBare(command.url, command.count, command.batch).then(
      () => process.send!({ type: 'connected', clients: bareSockets.length }),
      (err: Error) => process.send!({ type: 'failed', message: err.message }),
    );
  } else if (command.type === 'report') {
    process.send!({ type: 'report', arrivals: Object.fromEntries(arrivals), failures });
    arrivals = new Map();
  } else {
    for (const dispose of disposers) dispose();
    for (const socket of bareSockets) socket.terminate();
    Promise.all(clients.map((c) => c.dispose())).finally(() => process.exit(0));
  }
});
// Never outlive the bench that started it (one that crashed cannot say "close").
process.on('disconnect', () => process.exit(0));
