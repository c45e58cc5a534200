import fs from 'node:fs';
import http from 'node:http';

/**
 * P1's baseline: a bare node:http server answering every request with the same JSON bytes the
 * API gave for the rankings query, in its own process. Usage: node bare-server.js <body-file> <port>
 */
const [file, port] = process.argv.slice(2);
const body = fs.readFileSync(file);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`ready on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
