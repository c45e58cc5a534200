import type express from 'express';
import { htmlPageRouter } from './pages';
import { CHANGE_SCRIPT, CHANGE_SECTION } from './rankings-change';

/**
 * The public rankings page for journalists: a ranking by period and kind, each agency's trend
 * on click (twelve months, eight quarters or five years up to the period, Chart.js from npm)
 * drawn under the clicked row, and the CSV download. Vietnamese throughout, errors included:
 * its readers are the public. Plain HTML and JavaScript over the public GraphQL API: no
 * token, no personal data, no CDN.
 */
const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Chỉ số phục vụ người dân, doanh nghiệp · Xếp hạng</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem auto; max-width: 960px; color: #1b1f24; }
  h1 { font-size: 1.4rem; } form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .85rem; }
  table { border-collapse: collapse; width: 100%; } th, td { padding: .35rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } tbody tr { cursor: pointer; } tbody tr:hover { background: #f3f6fa; }
  select, input, button { font: inherit; } select { min-width: 12rem; }
  .up { color: #1a7f37; } .down { color: #cf222e; } tr.trend-row, tr.trend-row:hover { cursor: default; background: none; }
  #trend h2 { font-size: 1.05rem; margin: .5rem 0; } .chart-box { position: relative; height: 260px; } #status { color: #57606a; } #status.error { color: #cf222e; }
</style></head>
<body>
<h1>Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)</h1>
<form id="filters">
  <label>Kỳ (tháng, quý hoặc năm) <input name="period" value="" size="10" pattern="\\d{4}(-\\d{2}|-Q[1-4])?" required title="Ví dụ: 2024-09 (tháng), 2024-Q3 (quý), 2024 (năm)"></label>
  <label>Nhóm xếp hạng <select name="kind"><option value="PROVINCE">Tỉnh, thành phố</option><option value="MINISTRY">Bộ, ngành</option></select></label>
  <button>Xem</button> <a id="csv" href="#">Tải CSV</a>
</form>
<p id="status"></p>
<table><thead><tr><th class="num">Hạng</th><th>Cơ quan</th><th class="num">Điểm</th><th class="num">± hạng</th><th class="num">± điểm</th></tr></thead><tbody id="rows"></tbody></table>
<section id="trend" hidden><h2 id="trend-title"></h2><div class="chart-box"><canvas id="chart"></canvas></div>${CHANGE_SECTION}</section>
<script src="/assets/chart.js"></script>
<script src="/assets/pages.js"></script>
<script>
  const { gql, messageOf, monthsBefore, periodsBefore, signed, trendClass, vnMonth } = siPages;
  const form = document.getElementById('filters');
  const params = new URLSearchParams(location.search);
  // By default the last complete month: the newest ranking with a whole month's figures.
  form.elements.period.value = monthsBefore(vnMonth(), 1);
  for (const name of ['period', 'kind']) if (params.get(name)) form.elements[name].value = params.get(name);
  let chart;

  async function load() {
    const period = form.elements.period.value, kind = form.elements.kind.value;
    history.replaceState(null, '', '?period=' + encodeURIComponent(period) + '&kind=' + kind);
    document.getElementById('csv').href = '/rankings.csv?period=' + encodeURIComponent(period) + '&kind=' + kind;
    const status = document.getElementById('status');
    status.textContent = 'Đang tải…'; status.className = '';
    hideTrend();
    try {
      const { rankings } = await gql('query($period: String!, $kind: AgencyKind!) { rankings(period: $period, kind: $kind) { rank total rankDelta scoreDelta agency { code name } } }', { period, kind });
      const body = document.getElementById('rows');
      body.replaceChildren(...rankings.map((r) => {
        const tr = document.createElement('tr');
        tr.dataset.code = r.agency.code;
        const cells = [r.rank ?? '–', r.agency.name, r.total == null ? '–' : r.total.toFixed(2), signed(r.rankDelta, 0), signed(r.scoreDelta, 2)];
        const changes = [null, null, null, r.rankDelta, r.scoreDelta];
        cells.forEach((value, i) => { const td = document.createElement('td'); td.textContent = value; if (i !== 1) td.className = 'num'; if (trendClass(changes[i])) td.classList.add(trendClass(changes[i])); tr.append(td); });
        tr.addEventListener('click', () => trend(tr, r.agency, period));
        return tr;
      }));
      status.textContent = rankings.length + ' cơ quan, kỳ ' + period;
    } catch (err) { document.getElementById('rows').replaceChildren(); status.textContent = 'Lỗi: ' + messageOf(err); status.className = 'error'; }
  }

  // How far back a trend looks, by the kind of period: a year of months, two years of quarters, five years.
  const SPANS = [[/^\\d{4}-\\d{2}$/, 12, 'tháng'], [/^\\d{4}-Q[1-4]$/, 8, 'quý'], [/^\\d{4}$/, 5, 'năm']];

  function hideTrend() {
    const section = document.getElementById('trend');
    section.hidden = true;
    document.body.append(section);
    document.querySelector('tr.trend-row')?.remove();
  }

  async function trend(tr, agency, period) {
    const [, count, unit] = SPANS.find(([pattern]) => pattern.test(period));
    const why = fetchWhy(agency, period);
    const status = document.getElementById('status');
    let scoreTrend;
    try { ({ scoreTrend } = await gql('query($code: String!, $from: String!, $to: String!) { scoreTrend(agencyCode: $code, from: $from, to: $to) { period total rank } }', { code: agency.code, from: periodsBefore(period, count - 1), to: period })); }
    catch (err) { status.textContent = 'Lỗi: ' + messageOf(err); status.className = 'error'; return; }
    const whyData = await why;
    // Drawn in a row under the one clicked, where the reader is looking (the 63rd province is
    // far below the table's top), and scrolled into view if it reaches past the window.
    hideTrend();
    const row = document.createElement('tr'), cell = document.createElement('td'), section = document.getElementById('trend');
    row.className = 'trend-row'; cell.colSpan = 5; cell.append(section); row.append(cell); tr.after(row);
    section.hidden = false;
    // The index starts in 2022: a trend asked from earlier comes back shorter (scoreTrend's bound).
    document.getElementById('trend-title').textContent = agency.name + ': điểm ' + scoreTrend.length + ' ' + unit + ' đến kỳ ' + period;
    chart?.destroy();
    chart = new Chart(document.getElementById('chart'), {
      type: 'line',
      data: { labels: scoreTrend.map((p) => p.period), datasets: [{ label: 'Điểm', data: scoreTrend.map((p) => p.total), tension: 0.2 }] },
      options: { maintainAspectRatio: false, scales: { y: { suggestedMin: 0, suggestedMax: 100 } }, animation: false },
    });
    renderWhy(whyData, period);
    section.scrollIntoView({ block: 'nearest' });
  }

${CHANGE_SCRIPT}
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  load();
</script></body></html>`;

export function rankingsPageRouter(): express.Router {
  return htmlPageRouter('/rankings', PAGE);
}
