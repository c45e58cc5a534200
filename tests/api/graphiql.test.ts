import { startTestApp, TestApp } from '../support/app';
import { collect, wsClient } from '../support/ws';

let app: TestApp;
const base = () => app.url.replace('/graphql', '');
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('GraphiQL', () => {
  it('is served at /graphiql with every asset from the API itself (no CDN)', async () => {
    const page = await fetch(`${base()}/graphiql`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.sort()).toEqual([
      '/assets/graphiql.css',
      '/assets/graphiql.js',
      '/assets/graphql-ws.js',
      '/assets/pages.js',
      '/assets/react-dom.js',
      '/assets/react.js',
    ]);
    for (const source of sources) {
      const asset = await fetch(`${base()}${source}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(source.endsWith('.css') ? /text\/css/ : /javascript/);
      const body = await asset.text();
      // Our own page helpers are small; the npm builds are whole libraries.
      if (source === '/assets/pages.js') expect(body).toContain('window.siPages');
      else expect(body.length).toBeGreaterThan(5_000);
    }
    expect(html).toContain('graphqlWs.createClient'); // subscriptions over graphql-ws
    expect((await fetch(`${base()}/assets/../../package.json`)).status).toBe(404);
  });

  it('opens for a browser visiting /graphql, while API clients there are untouched', async () => {
    const browser = await fetch(app.url, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/graphiql');
    const client = await app.gql(`{ __typename }`);
    expect(client.data).toEqual({ __typename: 'Query' });
  });
});

describe('in production', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({ env: { NODE_ENV: 'production', ALLOWED_ORIGINS: '' } });
  });
  afterAll(() => prod.close());

  it('is off by default', async () => {
    expect((await fetch(prod.url.replace('/graphql', '/graphiql'))).status).toBe(404);
  });

  it('names no field, argument or enum value in its errors, over HTTP and graphql-ws, since introspection is off', async () => {
    expect((await prod.gql('{ __schema { types { name } } }')).errors?.[0].message).toMatch(/introspection/i);
    const typos = [
      await prod.gql('{ agencie { totalCount } }'),
      await prod.gql('{ agencies(serch: "x") { totalCount } }'),
      await prod.gql('query($k: AgencyKind) { agencies(kind: $k) { totalCount } }', { k: 'PROVINC' }),
    ];
    for (const res of typos) {
      expect(res.status).toBe(400);
      expect(res.errors?.[0].message).not.toMatch(/did you mean|"agencies"|"search"|PROVINCE/i);
    }
    const client = wsClient(prod.wsUrl);
    const sub = collect(client, 'subscription { rankingChange(kind: PROVINC) { period } }');
    for (let i = 0; i < 100 && sub.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.stringify(sub.errors)).toContain('rankingChange');
    expect(JSON.stringify(sub.errors)).not.toMatch(/did you mean|rankingChanged|PROVINCE/i);
    await client.dispose();
  });
});
