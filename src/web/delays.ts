import type express from 'express';
import { htmlPageRouter } from './pages';

/**
 * Directive 15's monthly public list (issue 27 item 6): for a province (or ministry) and a
 * month, the units holding its dossiers completed late or still overdue at the month's end,
 * with how many had an apology letter, and the CSV of the same rows. Public: counts by unit,
 * never an officer or an applicant. Plain HTML and JavaScript over the public `delayList`.
 */
const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Danh sách đơn vị có hồ sơ trễ hạn, quá hạn (Chỉ thị 15)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem auto; max-width: 960px; color: #1b1f24; padding: 0 1rem; }
  h1 { font-size: 1.35rem; } form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .85rem; } select, input, button { font: inherit; } select { min-width: 14rem; }
  table { border-collapse: collapse; width: 100%; } th, td { padding: .35rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } tfoot td { font-weight: 600; }
  #status { color: #57606a; } #status.error { color: #cf222e; }
</style></head>
<body>
<h1>Danh sách đơn vị có hồ sơ giải quyết trễ hạn, quá hạn (Chỉ thị 15/CT-TTg)</h1>
<p>Hồ sơ hoàn thành trễ hạn trong tháng và hồ sơ quá hạn chưa giải quyết vào cuối tháng, theo đơn vị đang xử lý khi hồ sơ đến hạn; số hồ sơ đã có thư xin lỗi. Không nêu tên cán bộ, không có thông tin người nộp.</p>
<form id="filters">
  <label>Tỉnh, thành phố hoặc bộ, ngành <select name="agency" id="agency"></select></label>
  <label>Tháng <input name="period" id="period" size="8" pattern="\\d{4}-(0[1-9]|1[0-2])" required title="Ví dụ: 2025-12"></label>
  <button>Xem</button> <a id="csv" href="#">Tải CSV</a>
</form>
<p id="status"></p>
<table><thead><tr><th>Đơn vị</th><th class="num">Trễ hạn</th><th class="num">Quá hạn</th><th class="num">Tổng số</th><th class="num">Đã có thư xin lỗi</th></tr></thead>
<tbody id="rows"></tbody><tfoot id="totals"></tfoot></table>
<script src="/assets/pages.js"></script>
<script>
  const { gql, messageOf, monthsBefore, vnMonth } = siPages;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  // By default the last complete month: its list no longer moves.
  $('period').value = params.get('period') || monthsBefore(vnMonth(), 1);

  async function pickers() {
    const AGENCIES = 'query($kind: AgencyKind!, $on: LocalDate!) { agencies(first: 100, kind: $kind, validOn: $on) { nodes { code name } } }';
    const p = $('period').value, [y, m] = p.split('-').map(Number);
    // Agencies as they stood at the month's end (provinces merged on 1 July 2025 are listed in their months).
    const on = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const [provinces, ministries] = await Promise.all(['PROVINCE', 'MINISTRY'].map((kind) => gql(AGENCIES, { kind, on })));
    const wanted = params.get('agency') || $('agency').value || 'HNI';
    $('agency').replaceChildren(...[['Tỉnh, thành phố', provinces], ['Bộ, ngành', ministries]].map(([label, r]) => {
      const group = document.createElement('optgroup'); group.label = label;
      group.append(...r.agencies.nodes.map((a) => new Option(a.name, a.code)));
      return group;
    }));
    if (![...$('agency').options].some((o) => o.value === wanted)) $('agency').prepend(new Option(wanted, wanted));
    $('agency').value = wanted;
  }

  const cell = (text, numeric) => { const td = document.createElement('td'); td.textContent = text; if (numeric) td.className = 'num'; return td; };
  async function load() {
    const agency = $('agency').value, period = $('period').value;
    params.set('agency', agency); params.set('period', period);
    history.replaceState(null, '', '?' + params);
    $('csv').href = '/delays.csv?agency=' + encodeURIComponent(agency) + '&period=' + encodeURIComponent(period);
    $('status').textContent = 'Đang tải…'; $('status').className = '';
    try {
      const { delayList } = await gql('query($agency: String!, $period: String!) { delayList(agencyCode: $agency, period: $period, first: 100) { totalCount nodes { unit { code name } lateDossiers overdueDossiers total apologised } } }', { agency, period });
      const nodes = delayList.nodes;
      $('rows').replaceChildren(...nodes.map((r) => {
        const tr = document.createElement('tr'); tr.dataset.code = r.unit.code;
        tr.append(cell(r.unit.name), cell(r.lateDossiers, true), cell(r.overdueDossiers, true), cell(r.total, true), cell(r.apologised, true));
        return tr;
      }));
      const sum = (k) => nodes.reduce((s, r) => s + r[k], 0);
      const foot = document.createElement('tr');
      foot.append(cell('Cộng'), cell(sum('lateDossiers'), true), cell(sum('overdueDossiers'), true), cell(sum('total'), true), cell(sum('apologised'), true));
      $('totals').replaceChildren(...(nodes.length ? [foot] : []));
      const name = $('agency').selectedOptions[0]?.text || agency;
      $('status').textContent = delayList.totalCount
        ? name + ', tháng ' + period + ': ' + delayList.totalCount + ' đơn vị' + (delayList.totalCount > nodes.length ? ' (hiển thị ' + nodes.length + '; tải CSV để xem đủ)' : '')
        : name + ', tháng ' + period + ': không có hồ sơ trễ hạn hay quá hạn.';
    } catch (err) { $('rows').replaceChildren(); $('totals').replaceChildren(); $('status').textContent = 'Lỗi: ' + messageOf(err); $('status').className = 'error'; }
  }

  $('filters').addEventListener('submit', (e) => { e.preventDefault(); params.delete('agency'); load(); });
  $('period').addEventListener('change', () => { params.delete('agency'); pickers().catch(() => undefined); });
  pickers().catch((err) => { $('status').textContent = 'Lỗi: ' + messageOf(err); $('status').className = 'error'; }).then(load);
</script></body></html>`;

export function delaysPageRouter(): express.Router {
  return htmlPageRouter('/delays', PAGE);
}
