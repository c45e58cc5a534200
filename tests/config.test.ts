import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';

const root = path.resolve(__dirname, '..');

/** Every environment variable the API reads, found in its sources. */
function variablesRead(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.includes(`${path.sep}cli${path.sep}`) && !file.includes(`${path.sep}seed${path.sep}`)) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/env\.([A-Z][A-Z0-9_]+)|env, '([A-Z][A-Z0-9_]+)'/g)) found.add(m[1] ?? m[2]);
      }
    }
  };
  walk(path.join(root, 'src'));
  return found;
}

describe('configuration', () => {
  it('.env.example documents every variable the API reads, and nothing else', () => {
    const documented = new Set([...fs.readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...variablesRead()].sort());
  });

  it('names the variable in every error', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    // The development secret is public, and an embedded database in production is one no backup sees.
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'service-index-dev-secret-change-me', DATABASE_URL: 'postgres://db/x' })).toThrow(
      /JWT_SECRET/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-0123' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-0123', DATABASE_URL: 'postgres://db/x' }).demoData).toBe(false);
    expect(loadConfig({}).demoData).toBe(true);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'not an origin' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ INTROSPECTION: 'maybe' })).toThrow(/INTROSPECTION/);
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '1' })).toThrow(/MAX_QUERY_DEPTH/);
  });
});
