/**
 * The dashboard's part of issue 27 items 2 and 3: the points the total lost, by unit (a
 * sortable table; a click opens the unit's own dashboard), and the change since the previous
 * period as a waterfall of criteria (Chart.js floating bars: the previous total, each
 * criterion's change, the total). Figures are the public `pointsLost` and `scoreChange` as the
 * API gives them, never recomputed here. UNITS_SECTION goes in the board, UNITS_SCRIPT in the
 * dashboard's script (it uses its `gql`, `$` and `row`), which calls loadExplanations(code, period).
 */
export const UNITS_SECTION = `
  <div class="grid" style="margin-top:1rem">
    <section class="card"><h2>Điểm bị mất theo đơn vị <span id="units-lost" class="muted"></span></h2>
      <p class="muted" style="margin:.2rem 0 .5rem">Số điểm tổng bị mất qua từng đơn vị, chia theo phần thiếu (mẫu số − tử số) của đơn vị ở mỗi tiêu chí. Nhấn tiêu đề cột để sắp xếp, nhấn một đơn vị để mở bảng điều hành của đơn vị đó.</p>
      <table id="units"><thead><tr><th data-sort="name">Đơn vị</th><th data-sort="lostPoints" class="num">Điểm bị mất</th><th data-sort="onTime" class="num">Hồ sơ không đúng hạn</th><th>Mất nhiều nhất ở</th></tr></thead><tbody></tbody><tfoot></tfoot></table></section>
    <section class="card"><h2>Vì sao điểm thay đổi <span id="change-title" class="muted"></span></h2>
      <canvas id="waterfall" height="220"></canvas>
      <table id="changes"><tbody></tbody></table></section>
  </div>`;

export const UNITS_SCRIPT = `
  // --- points lost by unit, and the change since the previous period (issue 27) ---
  let unitRows = [], unitSort = { key: 'lostPoints', desc: true }, waterfall;
  const pts = (n) => n == null ? '–' : n.toFixed(2);
  const POINTS_LOST = 'query($code: String!, $period: String!) { pointsLost(agencyCode: $code, period: $period) { lostPoints own { lostPoints criteria { key name shortfall lostPoints } } units(first: 100) { totalCount nodes { unit { code name } lostPoints criteria { key name shortfall lostPoints } } } } scoreChange(agencyCode: $code, period: $period) { previousPeriod total previousTotal scoreDelta criteria { key name change points previousPoints numerator denominator previousNumerator previousDenominator } } }';

  async function loadExplanations(code, period) {
    let data;
    try { data = await gql(POINTS_LOST, { code, period }); }
    catch (err) { $('units-lost').textContent = siPages.messageOf(err); return; }
    const { pointsLost, scoreChange } = data;
    const worst = (u) => u.criteria.reduce((a, c) => (c.lostPoints > (a?.lostPoints ?? 0) ? c : a), null);
    const onTime = (u) => u.criteria.find((c) => c.key === 'onTime')?.shortfall ?? 0;
    unitRows = (pointsLost?.units.nodes ?? []).map((u) => ({ code: u.unit.code, name: u.unit.name, lostPoints: u.lostPoints, onTime: onTime(u), worst: worst(u) }));
    $('units-lost').textContent = pointsLost ? '(' + pts(pointsLost.lostPoints) + ' điểm, ' + pointsLost.units.totalCount + ' đơn vị)' : '';
    renderUnits();
    const own = pointsLost?.own;
    const foot = own ? row(['Tự thân cơ quan (thủ tục, hồ sơ của chính cơ quan)', pts(own.lostPoints), String(onTime(own)), worst(own) ? worst(own).name + ': ' + pts(worst(own).lostPoints) : '–'], [false, true, true, false]) : null;
    if (foot) foot.className = 'own';
    $('units').tFoot.replaceChildren(...(foot ? [foot] : []));
    renderChange(scoreChange, period);
  }

  function renderUnits() {
    const { key, desc } = unitSort;
    const sorted = [...unitRows].sort((a, b) => (key === 'name' ? a.name.localeCompare(b.name, 'vi') : a[key] - b[key]) * (desc ? -1 : 1));
    $('units').tBodies[0].replaceChildren(...sorted.map((u) => {
      const tr = row([u.name, pts(u.lostPoints), String(u.onTime), u.worst ? u.worst.name + ': ' + pts(u.worst.lostPoints) : '–'], [false, true, true, false]);
      tr.dataset.code = u.code; tr.style.cursor = 'pointer'; tr.title = 'Mở bảng điều hành của ' + u.name;
      tr.addEventListener('click', () => { location.href = '/dashboard?agency=' + encodeURIComponent(u.code) + '&period=' + encodeURIComponent($('period').value); });
      return tr;
    }));
    for (const th of $('units').tHead.rows[0].cells) th.dataset.dir = th.dataset.sort === key ? (desc ? 'desc' : 'asc') : '';
  }
  for (const th of document.querySelectorAll('#units th[data-sort]')) {
    th.style.cursor = 'pointer';
    th.addEventListener('click', () => { const key = th.dataset.sort; unitSort = { key, desc: unitSort.key === key ? !unitSort.desc : key !== 'name' }; renderUnits(); });
  }

  // A waterfall: the previous total, each criterion that moved (green up, red down), the total.
  function renderChange(change, period) {
    waterfall?.destroy(); waterfall = null;
    $('changes').tBodies[0].replaceChildren();
    if (!change) { $('change-title').textContent = ''; return; }
    $('change-title').textContent = change.previousPeriod + ' → ' + period + (change.scoreDelta == null ? '' : ' (' + siPages.signed(change.scoreDelta, 2) + ')');
    const moved = change.criteria.filter((c) => c.change !== 0);
    $('changes').tBodies[0].replaceChildren(...moved.map((c) => {
      const tr = row([c.name, siPages.signed(c.change, 2), c.previousNumerator + '/' + c.previousDenominator + ' → ' + c.numerator + '/' + c.denominator], [false, true, true]);
      tr.dataset.key = c.key; tr.querySelectorAll('td')[1].className = 'num ' + siPages.trendClass(c.change);
      return tr;
    }));
    if (change.previousTotal == null || change.total == null) return;
    let level = change.previousTotal;
    const bars = [{ label: 'Kỳ trước', range: [0, level], color: '#8c959f' }];
    for (const c of moved) { bars.push({ label: c.name, range: [level, level + c.change], color: c.change > 0 ? '#1a7f37' : '#cf222e' }); level += c.change; }
    bars.push({ label: 'Kỳ này', range: [0, change.total], color: '#0969da' });
    waterfall = new Chart($('waterfall'), {
      type: 'bar',
      data: { labels: bars.map((b) => b.label.length > 28 ? b.label.slice(0, 27) + '…' : b.label), datasets: [{ label: 'Điểm', data: bars.map((b) => b.range), backgroundColor: bars.map((b) => b.color) }] },
      options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { suggestedMin: Math.max(0, Math.min(change.total, change.previousTotal) - 5) } } },
    });
  }
`;
