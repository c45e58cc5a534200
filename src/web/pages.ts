import express from 'express';

/**
 * What the browser pages share, served as /assets/pages.js: calls to the GraphQL API, the
 * token kept in the browser (GraphiQL and the dashboard use the same one), and the period
 * and number formats of the rankings and the dashboard.
 */
export const PAGES_SCRIPT = `window.siPages = (() => {
  const TOKEN_KEY = 'si-token';
  return {
    /** POSTs an operation; throws the first error, with its extensions.code and .field as err.code and err.field. */
    async gql(query, variables, token) {
      const headers = { 'content-type': 'application/json' };
      if (token) headers.authorization = 'Bearer ' + token;
      const body = await (await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) })).json();
      if (body.errors) { const err = new Error(body.errors[0].message); err.code = body.errors[0].extensions?.code; err.field = body.errors[0].extensions?.field; throw err; }
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
    /**
     * The period n periods before a period of the same kind: "2024-09" → months, "2024-Q3" →
     * quarters, "2024" → years (the index's period keys).
     */
    periodsBefore(period, n) {
      const quarter = /^(\\d{4})-Q([1-4])$/.exec(period);
      if (quarter) {
        const q = Number(quarter[1]) * 4 + Number(quarter[2]) - 1 - n;
        return Math.floor(q / 4) + '-Q' + ((q % 4) + 1);
      }
      if (/^\\d{4}$/.test(period)) return String(Number(period) - n);
      return siPages.monthsBefore(period, n);
    },
    /**
     * A failed call in Vietnamese for the reader, by its extensions.code: the API's own
     * messages are English, for developers.
     */
    messageOf(err) {
      const field = err.field === 'period' || err.field === 'from' || err.field === 'to' ? 'kỳ' : err.field === 'agencyCode' ? 'mã cơ quan' : null;
      switch (err.code) {
        case 'BAD_USER_INPUT': return field === 'kỳ' ? 'Kỳ không hợp lệ hoặc chưa bắt đầu (ví dụ: 2024-09, 2024-Q3, 2024).' : 'Yêu cầu không hợp lệ' + (field ? ': ' + field : '') + '.';
        case 'NOT_FOUND': return 'Không tìm thấy' + (field ? ' ' + field : '') + '.';
        case 'UNAUTHENTICATED': return 'Mã truy cập không hợp lệ hoặc đã hết hạn.';
        case 'FORBIDDEN': return 'Mã truy cập không có quyền xem nội dung này.';
        case 'RATE_LIMITED': return 'Quá nhiều yêu cầu: vui lòng thử lại sau ít phút.';
        case 'SERVICE_UNAVAILABLE': return 'Hệ thống đang bận: vui lòng thử lại sau ít phút.';
        default: return 'Không tải được dữ liệu: vui lòng thử lại sau.';
      }
    },
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
