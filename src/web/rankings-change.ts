/**
 * The rankings page's "why it changed" (issue 27 item 7): under a clicked agency's trend, its
 * scoreDelta explained by criterion, from the public `scoreChange` as the API gives it (the
 * changes add up to the ranking's "± điểm"). CHANGE_SECTION goes in the trend section,
 * CHANGE_SCRIPT in the page's script (it uses its `gql`, `messageOf`, `signed` and `trendClass`).
 */
export const CHANGE_SECTION = `
  <h2 id="why-title"></h2>
  <table id="why"><thead><tr><th>Tiêu chí</th><th class="num">Kỳ trước</th><th class="num">Kỳ này</th><th class="num">± điểm</th><th class="num">Số liệu (tử số/mẫu số)</th></tr></thead><tbody></tbody><tfoot></tfoot></table>`;

export const CHANGE_SCRIPT = `
  // Why the total moved: each criterion's points in the total, then and now (issue 27). Fetched
  // with the trend and drawn with it, so the section has its full height when scrolled into view.
  function fetchWhy(agency, period) {
    return gql('query($code: String!, $period: String!) { scoreChange(agencyCode: $code, period: $period) { previousPeriod total previousTotal scoreDelta criteria { key name points previousPoints change numerator denominator previousNumerator previousDenominator } } }', { code: agency.code, period })
      .then(({ scoreChange }) => ({ scoreChange }), (error) => ({ error }));
  }
  function renderWhy({ scoreChange, error }, period) {
    const body = document.getElementById('why').tBodies[0], foot = document.getElementById('why').tFoot;
    body.replaceChildren(); foot.replaceChildren();
    if (error) { document.getElementById('why-title').textContent = 'Lỗi: ' + messageOf(error); return; }
    if (!scoreChange) { document.getElementById('why-title').textContent = ''; return; }
    document.getElementById('why-title').textContent = 'Vì sao điểm thay đổi: ' + scoreChange.previousPeriod + ' → ' + period;
    const pts = (n) => n == null ? '–' : n.toFixed(2);
    const line = (cells, change, key) => {
      const tr = document.createElement('tr'); if (key) tr.dataset.key = key;
      cells.forEach((v, i) => { const td = document.createElement('td'); td.textContent = v; if (i) td.className = 'num'; if (i === 3 && trendClass(change)) td.classList.add(trendClass(change)); tr.append(td); });
      return tr;
    };
    // The criteria that moved, largest change first; those that did not move add nothing to the story.
    const moved = scoreChange.criteria.filter((c) => c.change !== 0).sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
    body.replaceChildren(...moved.map((c) => line([c.name, pts(c.previousPoints), pts(c.points), signed(c.change, 2), c.previousNumerator + '/' + c.previousDenominator + ' → ' + c.numerator + '/' + c.denominator], c.change, c.key)));
    foot.replaceChildren(line(['Tổng', pts(scoreChange.previousTotal), pts(scoreChange.total), signed(scoreChange.scoreDelta, 2), ''], scoreChange.scoreDelta));
  }
`;
