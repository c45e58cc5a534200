import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * P3's subscribers, in their own process: `count` graphql-ws clients, one socket and one
 * `alerts` subscription each. Driven over IPC by the bench: it says when to connect, asks for
 * the arrival times of each alert (keyed by message) and says when to close.
 */
type Command = { type: 'connect'; url: string; token: string; count: number; batch: number } | { type: 'report' } | { type: 'close' };

const clients: Client[] = [];
const disposers: (() => void)[] = [];
let arrivals = new Map<string, number[]>();
let failures = 0;

async function connect(url: string, token: string, count: number, batch: number) {
  for (let start = 0; start < count; start += batch) {
    const opened: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      let connected!: () => void;
      opened.push(new Promise<void>((resolve) => (connected = resolve)));
      const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, on: { connected: () => connected() } });
      clients.push(client);
      disposers.push(
        client.subscribe<{ alerts: { message: string } }>(
          { query: 'subscription { alerts(kinds: [DOSSIER_OVERDUE]) { cursor kind message } }' },
          {
            next: ({ data }) => {
              const at = Date.now();
              if (!data) return;
              const list = arrivals.get(data.alerts.message) ?? [];
              list.push(at);
              arrivals.set(data.alerts.message, list);
            },
            error: () => void failures++,
            complete: () => undefined,
          },
        ),
      );
    }
    await Promise.all(opened);
  }
}

process.on('message', (command: Command) => {
  if (command.type === 'connect') {
    connect(command.url, command.token, command.count, command.batch).then(
      () => process.send!({ type: 'connected', clients: clients.length }),
      (err: Error) => process.send!({ type: 'failed', message: err.message }),
    );
  } else if (command.type === 'report') {
    process.send!({ type: 'report', arrivals: Object.fromEntries(arrivals), failures });
    arrivals = new Map();
  } else {
    for (const dispose of disposers) dispose();
    Promise.all(clients.map((c) => c.dispose())).finally(() => process.exit(0));
  }
});
