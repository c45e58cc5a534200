import express from 'express';

/**
 * What the browser pages share, served as /assets/pages.js: calls to the GraphQL API, the
 * token kept in the browser (GraphiQL and the dashboard use the same one), and the period
 * and number formats of the rankings and the dashboard.
 */
export const PAGES_SCRIPT = `window.siPages = (() => {
  const TOKEN_KEY = 'si-token';
  return {
    /** POSTs an operation; throws the first error, with its extensions.code as err.code. */
    async gql(query, variables, token) {
      const headers = { 'content-type': 'application/json' };
      if (token) headers.authorization = 'Bearer ' + token;
      const body = await (await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) })).json();
      if (body.errors) { const err = new Error(body.errors[0].message); err.code = body.errors[0].extensions?.code; throw err; }
      return body.data;
    },
    /**
     * The stored token; a #token= in the address is stored first and taken out of it. The
     * fragment, never a ?token= query: a browser does not send the fragment, so the token
     * stays out of the request line that proxies and servers write to their access logs.
     */
    token() {
      const params = new URLSearchParams(location.hash.slice(1));
      if (params.get('token')) {
        localStorage.setItem(TOKEN_KEY, params.get('token'));
        params.delete('token');
        history.replaceState(null, '', location.pathname + location.search + (params.size ? '#' + params : ''));
      }
      return localStorage.getItem(TOKEN_KEY);
    },
    saveToken(token) { localStorage.setItem(TOKEN_KEY, token); },
    forgetToken() { localStorage.removeItem(TOKEN_KEY); },
    /** The month n months before a "YYYY-MM" period, as "YYYY-MM". */
    monthsBefore(period, n) {
      const [y, m] = period.split('-').map(Number);
      const d = new Date(Date.UTC(y, m - 1 - n, 1));
      return d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0');
    },
    /** The current month in Vietnam time (UTC+7, no daylight saving), as "YYYY-MM". */
    vnMonth() { return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 7); },
    /** A change with its sign ("+2", "-0.50"), or '' when there is none. */
    signed(n, digits) { return n == null ? '' : (n > 0 ? '+' : '') + n.toFixed(digits); },
    /** The class of a change: 'up' (better), 'down' (worse), '' for none or no change (0 is neutral). */
    trendClass(n) { return n > 0 ? 'up' : n < 0 ? 'down' : ''; },
  };
})();
`;

/** A router answering GET `path` with a page's HTML. */
export function htmlPageRouter(path: string, html: string): express.Router {
  const router = express.Router();
  router.get(path, (_req, res) => void res.type('html').send(html));
  return router;
}
