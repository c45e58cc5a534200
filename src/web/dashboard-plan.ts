/**
 * The dashboard's "what it takes" parts (issue 27, items 4, 5 and 7): the plan to reach a rank
 * chosen among the peers, step by step, and the forecast band of the running month on the
 * trend chart. Public figures (scorePlan, scoreForecast): the page shows what the API answers,
 * in Vietnamese, and computes nothing itself. Included by src/web/dashboard.ts.
 */

/** The plan's card, placed under the dashboard's lists. */
export const PLAN_SECTION = `
  <div class="grid" style="margin-top:1rem">
    <section class="card" id="plan"><h2>Kế hoạch nâng hạng</h2>
      <div><label>Hạng mục tiêu <select id="plan-rank"></select></label> <span id="plan-target" class="muted"></span></div>
      <p id="plan-statement"></p>
      <table><thead><tr><th>Việc cần làm</th><th>Số lượng</th><th>Điểm sau bước</th><th>Hạng sau bước</th></tr></thead><tbody id="plan-steps"></tbody></table>
      <p id="forecast" class="muted"></p>
    </section>
  </div>`;

/**
 * window.siPlan.show(chart, context): after the dashboard drew its scorecard and trend, fills
 * the rank picker (one place up by default), loads the plan, and for the running month adds the
 * forecast band (a floating bar from the worst to the best total) to the trend chart.
 */
export const PLAN_SCRIPT = `<script>
window.siPlan = (() => {
  const $ = (id) => document.getElementById(id);
  const num = (n) => n.toLocaleString('vi-VN');
  const total = (t) => (t == null ? '–' : t.toFixed(2));
  let context = null;
  const PLAN = 'query($code: String!, $period: String!, $rank: Int) { scorePlan(agencyCode: $code, period: $period, targetRank: $rank) { targetTotal reachable projectedTotal projectedRank rankOutOf statement steps { criterion action items outOf points projectedTotal projectedRank description } } }';
  const FORECAST = 'query($code: String!, $period: String!) { scoreForecast(agencyCode: $code, period: $period) { asOf total openFallingDue bestTotal worstTotal bestRank worstRank rankOutOf } }';

  async function loadPlan() {
    const mine = context;
    const rank = Number($('plan-rank').value);
    if (!rank) { $('plan-statement').textContent = 'Chưa có bảng xếp hạng cho kỳ này.'; $('plan-steps').replaceChildren(); return; }
    let plan;
    try { ({ scorePlan: plan } = await mine.gql(PLAN, { code: mine.code, period: mine.period, rank })); }
    catch (err) { $('plan-statement').textContent = siPages.messageOf(err); return; }
    if (mine !== context) return; // another agency or period was chosen meanwhile
    $('plan').dataset.reachable = plan ? String(plan.reachable) : '';
    $('plan-target').textContent = plan ? 'cần ' + total(plan.targetTotal) + ' điểm' : '';
    $('plan-statement').textContent = plan ? plan.statement : 'Chưa có điểm cho kỳ này.';
    $('plan-steps').replaceChildren(...(plan ? plan.steps : []).map((s) => {
      const tr = document.createElement('tr');
      tr.dataset.criterion = s.criterion; tr.dataset.action = s.action;
      for (const [text, numeric] of [[s.description, false], [num(s.items) + ' / ' + num(s.outOf), true], [total(s.projectedTotal), true], [s.projectedRank == null ? '–' : s.projectedRank + ' / ' + plan.rankOutOf, true]]) {
        const td = document.createElement('td'); td.textContent = text; if (numeric) td.className = 'num'; tr.append(td);
      }
      return tr;
    }));
  }

  async function addForecast(chart, mine) {
    $('forecast').textContent = '';
    // Only the running month has a forecast worth drawing: an ended one is its own figures.
    if (mine.period !== siPages.vnMonth()) return;
    let forecast;
    try { ({ scoreForecast: forecast } = await mine.gql(FORECAST, { code: mine.code, period: mine.period })); }
    catch (err) { $('forecast').textContent = siPages.messageOf(err); return; }
    if (mine !== context || !forecast || forecast.bestTotal == null) return;
    const last = chart.data.labels.length - 1;
    if (chart.data.labels[last] !== mine.period) return; // no scorecard drawn for the month yet
    chart.data.datasets.push({
      type: 'bar', label: 'Dự báo cuối kỳ', yAxisID: 'y', order: 1,
      data: chart.data.labels.map((_, i) => (i === last ? [forecast.worstTotal, forecast.bestTotal] : null)),
      backgroundColor: 'rgba(9, 105, 218, 0.25)', borderColor: 'rgba(9, 105, 218, 0.8)', borderWidth: 1,
    });
    chart.update();
    const ranks = forecast.bestRank == null ? '' : ' (hạng ' + forecast.bestRank + ' – ' + forecast.worstRank + ' / ' + forecast.rankOutOf + ')';
    $('forecast').textContent = 'Dự báo cuối kỳ: ' + total(forecast.worstTotal) + ' – ' + total(forecast.bestTotal) + ' điểm' + ranks + ', với ' + num(forecast.openFallingDue) + ' hồ sơ đang xử lý đến hạn trước cuối kỳ (tốt nhất: giải quyết đúng hạn hết; xấu nhất: quá hạn hết).';
    $('forecast').dataset.best = forecast.bestTotal; $('forecast').dataset.worst = forecast.worstTotal;
  }

  $('plan-rank').addEventListener('change', () => context && loadPlan());

  return {
    /** context: { code, period, gql, rank, rankOutOf } of the scorecard just shown. */
    show(chart, next) {
      context = next;
      const options = [];
      for (let r = 1; r <= (next.rankOutOf || 0); r++) options.push(new Option(String(r), String(r)));
      $('plan-rank').replaceChildren(...options);
      if (options.length) $('plan-rank').value = String(Math.max(1, (next.rank || 2) - 1));
      return Promise.all([loadPlan(), addForecast(chart, next)]);
    },
  };
})();
</script>`;
