import type express from 'express';
import { PLAN_SCRIPT, PLAN_SECTION } from './dashboard-plan';
import { UNITS_SCRIPT, UNITS_SECTION } from './dashboard-units';
import { CRITERIA_SCRIPT, CRITERIA_SECTION } from './dashboard-criteria';
import { htmlPageRouter } from './pages';

/**
 * The leadership dashboard: sign in with a token, see the agency's scorecard, rank and
 * 12-month trend, the dossiers due soon and overdue, and alerts arriving live over graphql-ws.
 * The last alert cursor is kept in the browser, so a reload resumes the stream where it stopped
 * (the server replays what came in between) instead of losing or repeating alerts. Plain HTML
 * and JavaScript over the GraphQL API, with Chart.js and graphql-ws from npm: no CDN, no build.
 * The lists show codes, procedures and due times, never an applicant's personal data.
 */
const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Chỉ số phục vụ · Bảng điều hành</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  [hidden] { display: none !important; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem auto; max-width: 1180px; color: #1b1f24; padding: 0 1rem; }
  h1 { font-size: 1.3rem; margin: 0; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 1rem; }
  .card { border: 1px solid #d0d7de; border-radius: 8px; padding: .75rem 1rem; }
  .big { font-size: 2.2rem; font-weight: 600; font-variant-numeric: tabular-nums; } .muted { color: #57606a; }
  table { border-collapse: collapse; width: 100%; } th, td { padding: .25rem .4rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .up { color: #1a7f37; } .down { color: #cf222e; }
  #alerts { list-style: none; padding: 0; margin: 0; max-height: 420px; overflow: auto; }
  #alerts li { border-left: 4px solid #bf8700; padding: .3rem .6rem; margin-bottom: .4rem; background: #fff8c5; }
  #alerts li[data-kind="DOSSIER_OVERDUE"], #alerts li[data-kind="SCORE_DROPPED"] { border-color: #cf222e; background: #ffebe9; }
  #alerts li[data-kind="RANKING_CHANGED"] { border-color: #0969da; background: #ddf4ff; }
  #alerts li.empty { border: 0; background: none; color: #57606a; padding-left: 0; }
  #live[data-state="open"] { color: #1a7f37; } #live[data-state="closed"] { color: #cf222e; }
  form#signin { max-width: 520px; display: flex; flex-direction: column; gap: .5rem; }
</style></head>
<body>
<header><h1>Bảng điều hành · Chỉ số phục vụ người dân, doanh nghiệp</h1>
  <span id="who" class="muted"></span>
  <label id="agency-pick" hidden>Cơ quan <select id="agency"></select></label>
  <span><label>Kỳ <input id="period" size="8" pattern="\\d{4}-\\d{2}"></label> <button id="signout" hidden>Đăng xuất</button></span></header>
<form id="signin" hidden>
  <label for="token">Mã truy cập (bearer token) của lãnh đạo</label>
  <textarea id="token" rows="4" required></textarea>
  <button>Đăng nhập</button><p id="signin-error" class="down"></p>
</form>
<main id="board" hidden>
  <div class="grid">
    <section class="card"><h2>Điểm chỉ số</h2>
      <div><span id="total" class="big">–</span> <span class="muted">/ 100</span> <span id="score-delta"></span></div>
      <div>Hạng <b id="rank">–</b> <span id="rank-out-of" class="muted"></span> <span id="rank-delta"></span></div>
      <table id="groups"><tbody></tbody></table></section>
    <section class="card"><h2>Xu hướng 12 tháng</h2><canvas id="chart" height="180"></canvas></section>
  </div>
${UNITS_SECTION}
  ${CRITERIA_SECTION}
  <div class="grid" style="margin-top:1rem">
    <section class="card"><h2>Quá hạn <span id="overdue-count" class="muted"></span></h2><table><tbody id="overdue"></tbody></table></section>
    <section class="card"><h2>Sắp đến hạn <span id="due-soon-count" class="muted"></span></h2><table><tbody id="due-soon"></tbody></table></section>
    <section class="card"><h2>Cảnh báo trực tiếp <small id="live" data-state="connecting">đang kết nối…</small></h2><ul id="alerts"></ul></section>
  </div>${PLAN_SECTION}
</main>
<script src="/assets/chart.js"></script>
<script src="/assets/graphql-ws.js"></script>
<script src="/assets/pages.js"></script>
${PLAN_SCRIPT}
<script>${CRITERIA_SCRIPT}</script>
<script>
  const KEEP_ALERTS = 50;
  const ALERTS_SINCE_MS = 24 * 3_600_000;
  const { monthsBefore, signed, trendClass, vnMonth } = siPages;
  let token = siPages.token(), viewer, agency, chart, wsClient, unsubscribe, retryTimer, generation = 0;
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  $('period').value = params.get('period') || vnMonth();
  const fmt = (iso) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
  const gql = (query, variables) => siPages.gql(query, variables, token);

  function showSignIn(message) {
    stopLive();
    $('board').hidden = true; $('signout').hidden = true; $('signin').hidden = false; $('who').textContent = '';
    $('signin-error').textContent = message || '';
  }

  async function start() {
    if (!token) return showSignIn();
    try { ({ viewer } = await gql('{ viewer { role agency { code name } } }')); }
    catch (err) {
      // A refused token is forgotten, not kept for GraphiQL to send with its public queries.
      if (err.code === 'UNAUTHENTICATED') { siPages.forgetToken(); token = null; }
      return showSignIn(siPages.messageOf(err));
    }
    if (!viewer) return showSignIn();
    $('signin').hidden = true; $('board').hidden = false; $('signout').hidden = false;
    agency = viewer.agency;
    // An ADMIN sees every agency (docs/SPEC.md §5): it picks the one the board is about, and the
    // lists follow the pick, so the header never names one agency over another's dossiers.
    if (viewer.role === 'ADMIN') await pickAgency();
    else if (params.get('agency')) agency = await unitInScope(params.get('agency')) || agency;
    showWho();
    renderStoredAlerts();
    startLive();
    await Promise.all([loadScore(), loadDossiers()]);
  }

  // A unit of the viewer's agency (a click in "points lost by unit"): its board, within the token's scope.
  async function unitInScope(code) {
    const { agency: unit } = await gql('query($code: String!) { agency(code: $code) { code name parent { code parent { code parent { code } } } } }', { code });
    for (let a = unit; a; a = a.parent) if (a.code === viewer.agency.code) return { code: unit.code, name: unit.name };
    return null;
  }

  function showWho() { $('who').textContent = agency.name + ' · ' + viewer.role; }

  async function pickAgency() {
    const AGENCIES = 'query($kind: AgencyKind!, $on: LocalDate!) { agencies(first: 100, kind: $kind, validOn: $on) { nodes { code name } } }';
    const on = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    const [provinces, ministries] = await Promise.all(['PROVINCE', 'MINISTRY'].map((kind) => gql(AGENCIES, { kind, on })));
    const groups = [['Tỉnh, thành phố', provinces.agencies.nodes], ['Bộ, ngành', ministries.agencies.nodes]];
    const known = new Map(groups.flatMap(([, nodes]) => nodes.map((a) => [a.code, a])));
    if (!known.has(agency.code)) known.set(agency.code, agency);
    agency = known.get(params.get('agency')) || agency;
    $('agency').replaceChildren(...groups.filter(([, nodes]) => nodes.length).map(([label, nodes]) => {
      const group = document.createElement('optgroup'); group.label = label;
      group.append(...nodes.map((a) => new Option(a.name, a.code)));
      return group;
    }));
    if (![...$('agency').options].some((o) => o.value === agency.code)) $('agency').prepend(new Option(agency.name, agency.code));
    $('agency').value = agency.code;
    $('agency-pick').hidden = false;
  }

  async function loadScore() {
    const period = $('period').value;
    loadExplanations(agency.code, period);
    const { scorecard, scoreTrend } = await gql('query($code: String!, $period: String!, $from: String!) { scorecard(agencyCode: $code, period: $period) { total rank rankOutOf rankDelta scoreDelta final groups { name score maxScore } } scoreTrend(agencyCode: $code, from: $from, to: $period) { period total rank } }',
      { code: agency.code, period, from: monthsBefore(period, 11) });
    siCriteria.load(agency.code, period, gql).catch(() => undefined);
    $('total').textContent = scorecard?.total == null ? '–' : scorecard.total.toFixed(2);
    $('score-delta').textContent = signed(scorecard?.scoreDelta, 2); $('score-delta').className = trendClass(scorecard?.scoreDelta);
    $('rank').textContent = scorecard?.rank ?? '–';
    $('rank-out-of').textContent = scorecard?.rankOutOf ? '/ ' + scorecard.rankOutOf : '';
    $('rank-delta').textContent = signed(scorecard?.rankDelta, 0); $('rank-delta').className = trendClass(scorecard?.rankDelta);
    $('groups').tBodies[0].replaceChildren(...(scorecard?.groups ?? []).map((g) => row([g.name, (g.score == null ? '–' : g.score.toFixed(2)) + ' / ' + g.maxScore], [false, true])));
    chart?.destroy();
    chart = new Chart($('chart'), {
      type: 'line',
      data: { labels: scoreTrend.map((p) => p.period), datasets: [
        { label: 'Điểm', data: scoreTrend.map((p) => p.total), yAxisID: 'y', tension: 0.2 },
        { label: 'Hạng', data: scoreTrend.map((p) => p.rank), yAxisID: 'rank', tension: 0.2, borderDash: [4, 4] },
      ] },
      options: { animation: false, scales: { y: { suggestedMin: 0, suggestedMax: 100 }, rank: { position: 'right', reverse: true, suggestedMin: 1, ticks: { precision: 0 }, grid: { drawOnChartArea: false } } } },
    });
    siPlan.show(chart, { code: agency.code, period, gql, rank: scorecard?.rank, rankOutOf: scorecard?.rankOutOf });
  }

  function row(values, numeric = []) {
    const tr = document.createElement('tr');
    values.forEach((v, i) => { const td = document.createElement('td'); td.textContent = v; if (numeric[i]) td.className = 'num'; tr.append(td); });
    return tr;
  }

  const DOSSIERS = 'query($filter: DossierFilter) { dossiers(first: 15, filter: $filter) { totalCount nodes { code dueAt procedure { name } agency { name } } } }';
  async function loadDossiers() {
    const orderBy = { field: 'DUE_AT', direction: 'ASC' };
    const soon = new Date(Date.now() + 3 * 86400e3).toISOString();
    const agencyCode = agency.code;
    // Due soon: the API's rule (open, clock running, due ahead), within the next three days.
    const [overdue, dueSoon] = await Promise.all([
      gql(DOSSIERS, { filter: { agencyCode, timeliness: ['OVERDUE'], orderBy } }),
      gql(DOSSIERS, { filter: { agencyCode, runningDueAhead: true, dueTo: soon, orderBy } }),
    ]);
    for (const [id, { dossiers }] of [['overdue', overdue], ['due-soon', dueSoon]]) {
      $(id + '-count').textContent = '(' + dossiers.totalCount + ')';
      $(id).replaceChildren(...dossiers.nodes.map((d) => { const tr = row([d.code, d.procedure.name + ' · ' + d.agency.name, fmt(d.dueAt)]); tr.dataset.code = d.code; return tr; }));
    }
  }

  // --- live alerts: resume after the stored cursor (a first visit: the last day), keep the last few to show after a reload ---
  const storeKey = () => 'si-dashboard:' + viewer.agency.code;
  const stored = () => JSON.parse(localStorage.getItem(storeKey()) || '{"cursor":null,"alerts":[]}');
  function renderAlert(a, prepend) {
    const li = document.createElement('li');
    li.dataset.kind = a.kind; li.dataset.cursor = a.cursor; if (a.dossier) li.dataset.code = a.dossier.code;
    const when = document.createElement('small'); when.className = 'muted'; when.textContent = fmt(a.createdAt) + ' · ' + a.agency.name;
    li.append(document.createTextNode(a.message), document.createElement('br'), when);
    $('alerts').querySelector('li.empty')?.remove();
    prepend ? $('alerts').prepend(li) : $('alerts').append(li);
    while ($('alerts').children.length > KEEP_ALERTS) $('alerts').lastElementChild.remove();
  }
  // A replay can bring hundreds of alerts at once: the lists and the score are read again once
  // they stop coming, not once per alert.
  const refreshTimers = new Map();
  function refreshSoon(load) {
    clearTimeout(refreshTimers.get(load));
    refreshTimers.set(load, setTimeout(() => { refreshTimers.delete(load); load(); }, 300));
  }
  function renderStoredAlerts() {
    $('alerts').replaceChildren();
    stored().alerts.forEach((a) => renderAlert(a, false));
    if (!$('alerts').children.length) {
      const li = document.createElement('li'); li.className = 'empty'; li.textContent = 'Chưa có cảnh báo nào.';
      $('alerts').append(li);
    }
  }

  function setLive(state, text) { $('live').dataset.state = state; $('live').textContent = text; }
  function startLive() {
    stopLive();
    const mine = ++generation; // a stream we stopped on purpose must not schedule a retry
    const retry = () => { if (mine !== generation) return; setLive('closed', '○ mất kết nối, đang thử lại…'); retryTimer = setTimeout(startLive, 2000); };
    wsClient = graphqlWs.createClient({
      url: location.origin.replace(/^http/, 'ws') + '/graphql',
      connectionParams: { authorization: 'Bearer ' + token },
      retryAttempts: 0, // resubscribing ourselves carries the latest cursor; the client's own retry would resend the first one
      on: { connected: () => setLive('open', '● trực tiếp'), closed: () => setLive('closed', '○ mất kết nối, đang thử lại…') },
    });
    // A first visit has no cursor: it asks for the last day's alerts, so a board opened at
    // night shows those the scanners raised since the evening (the API allows up to 7 days).
    const { cursor } = stored();
    const variables = cursor ? { after: cursor } : { since: new Date(Date.now() - ALERTS_SINCE_MS).toISOString() };
    unsubscribe = wsClient.subscribe(
      { query: 'subscription($after: String, $since: DateTime) { alerts(after: $after, since: $since) { cursor kind message createdAt agency { name } dossier { code } } }', variables },
      {
        next: ({ data, errors }) => {
          if (errors) return setLive('closed', errors[0].message);
          const a = data.alerts, s = stored();
          s.cursor = a.cursor; s.alerts = [a, ...s.alerts].slice(0, KEEP_ALERTS);
          localStorage.setItem(storeKey(), JSON.stringify(s));
          renderAlert(a, true);
          if (a.kind.startsWith('DOSSIER_')) refreshSoon(loadDossiers);
          if (a.kind === 'SCORE_DROPPED' || a.kind === 'RANKING_CHANGED') refreshSoon(loadScore);
        },
        // 4401/4403: the token was refused or has expired (the server closes at its expiry).
        // Retrying with it would be refused forever: sign in again instead.
        error: (err) => {
          if (mine === generation && (err?.code === 4401 || err?.code === 4403)) {
            siPages.forgetToken(); token = null;
            return showSignIn('Mã truy cập đã hết hạn hoặc không còn hiệu lực: hãy đăng nhập lại.');
          }
          retry();
        },
        complete: retry,
      },
    );
  }
  function stopLive() { generation++; clearTimeout(retryTimer); const client = wsClient; wsClient = null; unsubscribe?.(); unsubscribe = null; client?.dispose(); }

${UNITS_SCRIPT}
  $('signin').addEventListener('submit', (e) => { e.preventDefault(); token = $('token').value.trim(); siPages.saveToken(token); start(); });
  $('signout').addEventListener('click', () => { siPages.forgetToken(); token = null; showSignIn(); });
  $('agency').addEventListener('change', () => {
    agency = { code: $('agency').value, name: $('agency').selectedOptions[0].text };
    params.set('agency', agency.code); history.replaceState(null, '', '?' + params);
    showWho(); loadScore(); loadDossiers();
  });
  $('period').addEventListener('change', () => { params.set('period', $('period').value); history.replaceState(null, '', '?' + params); if (viewer) loadScore(); });
  start();
</script></body></html>`;

export function dashboardPageRouter(): express.Router {
  return htmlPageRouter('/dashboard', PAGE);
}
