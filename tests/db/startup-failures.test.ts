import 'reflect-metadata';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../../ormconfig';


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
    const { stdout } = await new Promise<{ stdout: string }>((resolve) => execFile(process.execPath, ['-e', script], (_error, out) => resolve({ stdout: out })));
    expect(stdout).toContain(`did not start on port ${port}`);
    expect(stdout).toMatch(/address already in use|could not bind|could not create/i);
  } finally {
    busy.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
