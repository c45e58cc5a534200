import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The deployment files cannot be run here (no Docker daemon or compose plugin on these
 * machines): this checks that they parse and hang together. See docs/operations.md.
 */
const root = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('deployment files', () => {
  it('docker-compose.yml parses and runs two API instances on one PostgreSQL and one Redis behind a load balancer', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
    expect(Object.keys(compose.services).sort()).toEqual(['api1', 'api2', 'nginx', 'postgres', 'redis']);
    for (const api of ['api1', 'api2']) {
      const env = compose.services[api].environment;
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.NODE_ENV).toBe('production');
      expect(env.JWT_SECRET).toContain('JWT_SECRET');
      expect(compose.services[api].build).toBe('.');
    }
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/server api1:4000/);
    expect(nginx).toMatch(/server api2:4000/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    // Metrics stay internal whatever the case of the path (Express routes /METRICS to them too).
    expect(nginx).toMatch(/location ~\* \^\/metrics \{\s*deny all;/);
    expect(compose.services.nginx.volumes[0]).toContain('./deploy/nginx.conf');
  });

  it('the Dockerfile builds in one stage and runs the compiled API as a non-root user in another', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/src\/main.js"\]/);
    expect(dockerfile).toMatch(/health\/ready/);
    // Everything the runtime reads from disk is copied in.
    for (const dir of ['migrations', 'seed-data']) expect(dockerfile).toContain(dir);
  });
});
