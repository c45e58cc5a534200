import type express from 'express';
import { htmlPageRouter } from './pages';

/**
 * The public rankings page for journalists: a ranking by period and kind, each agency's trend
 * over the twelve months before on click (Chart.js, from npm), and the CSV download. Plain
 * HTML and JavaScript over the public GraphQL API: no token, no personal data, no CDN.
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
  .up { color: #1a7f37; } .down { color: #cf222e; } #trend { margin-top: 1.5rem; } #status { color: #57606a; }
</style></head>
<body>
<h1>Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)</h1>
<form id="filters">
  <label>Kỳ (period) <input name="period" value="" pattern="\\d{4}(-\\d{2}|-Q[1-4])?" required></label>
  <label>Loại (kind) <select name="kind"><option value="PROVINCE">Tỉnh, thành phố</option><option value="MINISTRY">Bộ, ngành</option></select></label>
  <button>Xem</button> <a id="csv" href="#">Tải CSV</a>
</form>
<p id="status"></p>
<table><thead><tr><th class="num">Hạng</th><th>Cơ quan</th><th class="num">Điểm</th><th class="num">± hạng</th><th class="num">± điểm</th></tr></thead><tbody id="rows"></tbody></table>
<section id="trend" hidden><h2 id="trend-title"></h2><canvas id="chart" height="110"></canvas></section>
<script src="/assets/chart.js"></script>
<script src="/assets/pages.js"></script>
<script>
  const { gql, monthsBefore, signed, vnMonth } = siPages;
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
    document.getElementById('status').textContent = 'Đang tải…';
    try {
      const { rankings } = await gql('query($period: String!, $kind: AgencyKind!) { rankings(period: $period, kind: $kind) { rank total rankDelta scoreDelta agency { code name } } }', { period, kind });
      const body = document.getElementById('rows');
      body.replaceChildren(...rankings.map((r) => {
        const tr = document.createElement('tr');
        tr.dataset.code = r.agency.code;
        const cells = [r.rank ?? '–', r.agency.name, r.total == null ? '–' : r.total.toFixed(2), signed(r.rankDelta, 0), signed(r.scoreDelta, 2)];
        cells.forEach((value, i) => { const td = document.createElement('td'); td.textContent = value; if (i !== 1) td.className = 'num'; if (i >= 3 && value) td.classList.add(value.startsWith('+') ? 'up' : 'down'); tr.append(td); });
        tr.addEventListener('click', () => trend(r.agency, period));
        return tr;
      }));
      document.getElementById('status').textContent = rankings.length + ' cơ quan, kỳ ' + period;
    } catch (err) { document.getElementById('status').textContent = 'Lỗi: ' + err.message; }
  }

  async function trend(agency, period) {
    if (!/^\\d{4}-\\d{2}$/.test(period)) return;
    const { scoreTrend } = await gql('query($code: String!, $from: String!, $to: String!) { scoreTrend(agencyCode: $code, from: $from, to: $to) { period total rank } }', { code: agency.code, from: monthsBefore(period, 11), to: period });
    document.getElementById('trend').hidden = false;
    document.getElementById('trend-title').textContent = agency.name + ': điểm 12 tháng';
    chart?.destroy();
    chart = new Chart(document.getElementById('chart'), {
      type: 'line',
      data: { labels: scoreTrend.map((p) => p.period), datasets: [{ label: 'Điểm', data: scoreTrend.map((p) => p.total), tension: 0.2 }] },
      options: { scales: { y: { suggestedMin: 0, suggestedMax: 100 } }, animation: false },
    });
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  load();
</script></body></html>`;

export function rankingsPageRouter(): express.Router {
  return htmlPageRouter('/rankings', PAGE);
}
