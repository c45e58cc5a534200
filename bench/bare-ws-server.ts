import { WebSocketServer } from 'ws';

/**
 * P3's floor, in its own process: a bare `ws` server (the library under graphql-ws) that sends
 * one text to every connected socket in a plain loop, with no GraphQL, pub/sub or database.
 * Listens on a port of the system's choosing and says which over IPC; `{ type: 'send', text }`
 * sends.
 */
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => {
  const address = server.address();
  process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (command: { type: 'send'; text: string }) => {
  if (command.type === 'send') for (const socket of server.clients) socket.send(command.text);
});
process.on('disconnect', () => process.exit(0));
