/**
 * The dashboard's criteria and their dossiers (issue 27 items 1 and 7): every criterion of the
 * scorecard with its counts and what it falls short by; a click on one that counts dossiers
 * opens the dossiers that cost its points (`criterionDossiers`, SHORTFALL), page by page, with
 * the CSV of the whole list (fetched with the token, which a plain link cannot send). Codes,
 * procedures, units and times only: no applicant data on the board.
 */

/** The section, placed after the scorecard's row of the dashboard. */
export const CRITERIA_SECTION = `
  <section class="card" id="criteria-card" style="margin-top:1rem"><h2>Tiêu chí · bấm vào một tiêu chí để xem hồ sơ làm mất điểm</h2>
    <table id="criteria"><thead><tr><th>Nhóm</th><th>Tiêu chí</th><th class="num">Đạt / Tổng</th><th class="num">Thiếu</th><th class="num">Điểm</th></tr></thead><tbody></tbody></table>
    <div id="drill" hidden style="margin-top:.75rem">
      <h2><span id="drill-title"></span> <span id="drill-count" class="muted"></span></h2>
      <p class="muted" id="drill-note"></p>
      <p><button id="drill-csv" type="button">Tải CSV</button> <span id="drill-error" class="down"></span></p>
      <table><thead><tr><th>Mã hồ sơ</th><th>Thủ tục · Đơn vị</th><th>Tiếp nhận</th><th>Hạn</th><th>Tiến độ</th></tr></thead><tbody id="drill-rows"></tbody></table>
      <p><button id="drill-more" type="button" hidden>Xem thêm</button></p>
    </div>
  </section>`;

/** Runs in the dashboard's page: `siCriteria.load(agencyCode, period, gql)` after each scorecard load. */
export const CRITERIA_SCRIPT = `
  window.siCriteria = (() => {
    const $ = (id) => document.getElementById(id);
    const PAGE = 20;
    const TIMELINESS = { EARLY: 'Trước hạn', ON_TIME: 'Đúng hạn', LATE: 'Trễ hạn', OVERDUE: 'Quá hạn', PENDING: 'Trong hạn' };
    const fmt = (iso) => iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }) : '';
    const CRITERIA = 'query($code: String!, $period: String!) { scorecard(agencyCode: $code, period: $period) { groups { name criteria { key name numerator denominator shortfall drillDown score maxScore } } } }';
    const LIST = 'query($code: String!, $period: String!, $criterion: String!, $first: Int!, $after: String) { criterionDossiers(agencyCode: $code, period: $period, criterion: $criterion, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { code receivedAt dueAt timeliness procedure { name } agency { name } } } }';
    let state = null, generation = 0;
    const cell = (text, numeric) => { const td = document.createElement('td'); td.textContent = text; if (numeric) td.className = 'num'; return td; };

    async function load(code, period, gql) {
      const mine = ++generation;
      $('drill').hidden = true;
      const { scorecard } = await gql(CRITERIA, { code, period });
      if (mine !== generation) return;
      const rows = [];
      for (const g of scorecard?.groups ?? []) for (const c of g.criteria) {
        const tr = document.createElement('tr');
        tr.dataset.criterion = c.key;
        tr.append(cell(g.name), cell(c.name), cell(c.numerator + ' / ' + c.denominator, true), cell(String(c.shortfall), true), cell((c.score == null ? '–' : c.score.toFixed(2)) + ' / ' + c.maxScore, true));
        if (c.drillDown) {
          tr.style.cursor = 'pointer'; tr.tabIndex = 0; tr.title = 'Xem hồ sơ';
          const open = () => openCriterion(code, period, c, gql);
          tr.addEventListener('click', open);
          tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
        } else {
          // Procedures and feedback are counted, not dossiers: nothing to open.
          tr.className = 'muted'; tr.title = 'Tiêu chí này đếm thủ tục hoặc phản ánh, không đếm hồ sơ';
        }
        rows.push(tr);
      }
      $('criteria').tBodies[0].replaceChildren(...rows);
    }

    async function openCriterion(code, period, c, gql) {
      state = { code, period, criterion: c, gql, after: null, mine: ++generation };
      $('drill').hidden = false; $('drill').dataset.criterion = c.key;
      $('drill-title').textContent = c.name;
      $('drill-count').textContent = '';
      $('drill-note').textContent = 'Hồ sơ được tính vào mẫu số nhưng không đạt (' + c.shortfall + ' = ' + c.denominator + ' − ' + c.numerator + '), kỳ ' + period + '.';
      $('drill-error').textContent = '';
      $('drill-rows').replaceChildren();
      await more();
    }

    async function more() {
      const s = state;
      try {
        const { criterionDossiers: list } = await s.gql(LIST, { code: s.code, period: s.period, criterion: s.criterion.key, first: PAGE, after: s.after });
        if (s !== state) return;
        $('drill-count').textContent = '(' + list.totalCount + ' hồ sơ)';
        $('drill').dataset.total = String(list.totalCount);
        $('drill-rows').append(...list.nodes.map((d) => {
          const tr = document.createElement('tr'); tr.dataset.code = d.code;
          tr.append(cell(d.code), cell(d.procedure.name + ' · ' + d.agency.name), cell(fmt(d.receivedAt)), cell(fmt(d.dueAt)), cell(TIMELINESS[d.timeliness] || ''));
          return tr;
        }));
        s.after = list.pageInfo.endCursor;
        $('drill-more').hidden = !list.pageInfo.hasNextPage;
      } catch (err) {
        $('drill-error').textContent = siPages.messageOf(err);
      }
    }

    async function downloadCsv() {
      const s = state;
      const res = await fetch('/scorecards/' + encodeURIComponent(s.code) + '/' + encodeURIComponent(s.period) + '/criteria/' + encodeURIComponent(s.criterion.key) + '/dossiers.csv?side=SHORTFALL', { headers: { authorization: 'Bearer ' + siPages.token() } });
      if (!res.ok) { $('drill-error').textContent = siPages.messageOf({ code: { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 400: 'BAD_USER_INPUT' }[res.status] }); return; }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url; a.download = s.code + '-' + s.period + '-' + s.criterion.key + '.csv';
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }

    $('drill-more').addEventListener('click', more);
    $('drill-csv').addEventListener('click', downloadCsv);
    return { load };
  })();`;
