import WebSocket from 'ws';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

/**
 * A subscribe that onSubscribe refuses by closing the socket must not run anyway. The socket
 * stays CLOSING until the client answers the close, and ws still hands over every message
 * that arrived before: a client that stops reading keeps it that way for 30 s.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false }, env: { WS_MESSAGES_PER_SECOND: '3', WS_MAX_SUBSCRIPTIONS: '50' } });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

it('a subscribe flood that closes the socket (4429) runs none of the subscriptions past the limit', async () => {
  const reads = jest.spyOn(app.services.realtime.hub, 'readAfter');
  const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws');
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${app.token(Role.LEADER, 'TPA', 'replay-flooder')}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    // Each one that runs replays from PostgreSQL (one page: nothing is stored).
    for (let id = 1; id <= 10; id++)
      socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: `subscription { alerts(after: "0") { cursor } }` } }));
    socket.pause();
    await new Promise((r) => setTimeout(r, 1000));
    const replays = reads.mock.calls.filter((call) => call[1] === 500).length;
    expect(replays).toBeGreaterThan(0);
    expect(replays).toBeLessThanOrEqual(3);
  } finally {
    socket.terminate();
    reads.mockRestore();
  }
});
