import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { PAGES_SCRIPT } from './pages';

/** Browser assets served from npm packages, so the pages work with no internet access (no CDN). */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'graphql-ws.js': { module: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' },
  'chart.js': { module: 'chart.js', file: 'dist/chart.umd.min.js', type: 'text/javascript' },
};

/** A file of an installed package (some packages do not export their package.json). */
function assetPath(module: string, file: string): string {
  let dir = path.dirname(require.resolve(module));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, file);
}

/** The browser assets, for GraphiQL and the public pages alike. */
export function assetsRouter(): express.Router {
  const router = express.Router();
  router.get('/favicon.ico', (_req, res) => void res.sendStatus(204));
  router.get('/assets/pages.js', (_req, res) => void res.type('text/javascript').setHeader('cache-control', 'public, max-age=86400').send(PAGES_SCRIPT));
  router.get('/assets/:name', (req, res) => {
    // Own keys only: `__proto__`, `constructor` or `toString` would find the object's prototype.
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (!asset) return void res.sendStatus(404);
    res.type(asset.type).setHeader('cache-control', 'public, max-age=86400');
    res.sendFile(assetPath(asset.module, asset.file));
  });
  return router;
}
