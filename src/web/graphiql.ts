import type express from 'express';
import { htmlPageRouter } from './pages';

/**
 * GraphiQL at /graphiql (and for a browser opening /graphql), queries over HTTP and
 * subscriptions over graphql-ws on the same URL. A token given once (`#token=` or the
 * headers editor) is kept in the browser and sent with both. A stored token the API refuses
 * (expired, signed with another secret, or mistyped in the dashboard) is forgotten at load,
 * with a notice: sent with every query, it would turn even public ones into 401s.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service Index · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/graphiql.css">
<style>html,body{height:100%;margin:0} body{display:flex;flex-direction:column} #graphiql{flex:1;min-height:0}
#token-refused{margin:0;padding:.5rem 1rem;background:#fff8c5;border-bottom:1px solid #d4a72c;font:14px/1.4 system-ui,sans-serif}</style></head>
<body><p id="token-refused" role="status" hidden></p><div id="graphiql">Loading…</div>
<script src="/assets/react.js"></script><script src="/assets/react-dom.js"></script>
<script src="/assets/graphql-ws.js"></script><script src="/assets/graphiql.js"></script><script src="/assets/pages.js"></script>
<script>
(async () => {
  let token = siPages.token();
  if (token) {
    try { await siPages.gql('{ viewer { role } }', {}, token); }
    catch (err) {
      if (err.code === 'UNAUTHENTICATED') {
        siPages.forgetToken(); token = null;
        const notice = document.getElementById('token-refused');
        notice.textContent = 'The saved token was refused (invalid or expired) and has been forgotten: queries run anonymously, public data only. Give a new one with #token=… · Mã truy cập đã lưu bị từ chối: truy vấn ẩn danh, chỉ dữ liệu công khai.';
        notice.hidden = false;
      }
    }
  }
  const url = location.origin + '/graphql';
  const wsClient = graphqlWs.createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: () => (token ? { authorization: 'Bearer ' + token } : {}),
    lazy: true,
  });
  const fetcher = GraphiQL.createFetcher({ url, wsClient, headers: { 'apollo-require-preflight': 'true' } });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultHeaders: token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : undefined,
    // The last complete month: the newest ranking with a whole month's figures.
    defaultQuery: '# Service Index. Public: rankings, scorecards, agencies, procedures.\\n# With a token (#token=…): dossiers, feedback, and live alerts.\\n\\n{\\n  rankings(period: "' + siPages.monthsBefore(siPages.vnMonth(), 1) + '", kind: PROVINCE) {\\n    rank total rankDelta\\n    agency { code name }\\n  }\\n}\\n',
  }));
})();
</script></body></html>`;

export function graphiqlRouter(): express.Router {
  const router = htmlPageRouter('/graphiql', PAGE);
  // A browser opening the API's URL gets GraphiQL; clients (which send no text/html) do not.
  // A middleware, not a GET route: a route would also answer CORS preflights (OPTIONS) here.
  router.use('/graphql', (req, res, next) => {
    if (
      req.method === 'GET' &&
      req.path === '/' &&
      req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html' &&
      !req.query.query
    )
      return res.redirect(302, '/graphiql');
    next();
  });
  return router;
}
