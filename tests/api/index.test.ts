import fs from 'node:fs';
import path from 'node:path';
import { AgencyKind, Role } from '../../src/domain/enums';
import { truncatePercent } from '../../src/domain/scoring/rounding';
import { Agency, Feedback } from '../../src/entities';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

const published = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seed-data/published-figures.json'), 'utf8')) as {
  cases: {
    id: string;
    completed?: Record<string, number>;
    received?: Record<string, number>;
    feedback?: Record<string, number>;
    expect: Record<string, number>;
  }[];
};
const figure = (id: string) => published.cases.find((c) => c.id === id)!;
/** Published percentages drop trailing zeros (12.9); ours always show two decimals (12.90). */
const asPublished = (percent: string) => Number(percent);

let now = new Date('2026-01-05T09:00:00+07:00');
let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;
const agencies: Record<string, Agency> = {};

async function addAgency(code: string, kind: AgencyKind, parent?: Agency, extra: Partial<Agency> = {}) {
  const repo = app.dataSource.getRepository(Agency);
  agencies[code] = await repo.save(
    repo.create({ code, name: `Đơn vị ${code}`, kind, parentId: parent?.databaseId ?? null, path: `${parent?.path ?? '/'}${code}/`, ...extra }),
  );
  return agencies[code];
}

const CARD = `agency { code } period total rank rankOutOf rankDelta scoreDelta final overdueBacklog notApplicable dossiersReceived dossiersTransferredIn computedAt
  method { key } groups { key score maxScore criteria { key value valuePercent numerator denominator score maxScore applicable } }`;

type Criterion = {
  key: string;
  value: number | null;
  valuePercent: string | null;
  numerator: number;
  denominator: number;
  score: number | null;
  maxScore: number;
  applicable: boolean;
};
type Card = {
  agency: { code: string };
  total: number | null;
  rank: number | null;
  rankOutOf: number | null;
  rankDelta: number | null;
  scoreDelta: number | null;
  final: boolean;
  overdueBacklog: number;
  notApplicable: string[];
  dossiersReceived: number;
  dossiersTransferredIn: number;
  groups: { key: string; criteria: Criterion[] }[];
};

async function scorecard(code: string, period: string): Promise<Card> {
  const res = await app.gql(`query($code: String!, $period: String!) { scorecard(agencyCode: $code, period: $period) { ${CARD} } }`, { code, period });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.scorecard;
}
const criterion = (card: Card, key: string) => card.groups.flatMap((g) => g.criteria).find((c) => c.key === key)!;

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  f = await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

describe('published figures reproduced (seed-data/published-figures.json)', () => {
  it('Dak Lak 2024-Q3: on-time and late rates of 224,187 completed dossiers', async () => {
    const c = figure('dak-lak-2024-Q3');
    const dlk = await addAgency('DLK', AgencyKind.PROVINCE);
    const common = {
      agencyId: dlk.databaseId,
      procedureId: f.birth.databaseId,
      receivedAt: '2024-07-10T09:00:00+07:00',
      completedAt: '2024-08-15T10:00:00+07:00',
    };
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'DLK-E', count: c.completed!.early, completionTimeliness: 'EARLY' });
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'DLK-O', count: c.completed!.onTime, completionTimeliness: 'ON_TIME' });
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'DLK-L', count: c.completed!.late, completionTimeliness: 'LATE' });

    const card = await scorecard('DLK', '2024-Q3');
    const onTime = criterion(card, 'onTime');
    expect(onTime).toMatchObject({ numerator: c.completed!.early + c.completed!.onTime, denominator: c.completed!.total });
    expect(asPublished(onTime.valuePercent!)).toBe(c.expect.onTimeRatePercent);
    const apologised = criterion(card, 'apologised');
    expect(apologised.denominator).toBe(c.completed!.late);
    expect(asPublished(truncatePercent(apologised.denominator, onTime.denominator))).toBe(c.expect.lateRatePercent);
  });

  it('Thanh Ha 2023: online, in-person and transferred shares, rolled up into Hai Duong', async () => {
    const c = figure('thanh-ha-2023');
    const hdg = await addAgency('HDG', AgencyKind.PROVINCE);
    const th = await addAgency('HDG-TH', AgencyKind.DISTRICT, hdg);
    const common = { agencyId: th.databaseId, procedureId: f.birth.databaseId, receivedAt: '2023-05-10T09:00:00+07:00' };
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'TH-ON', count: c.received!.online, channel: 'ONLINE' as never });
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'TH-IP', count: c.received!.inPerson, channel: 'IN_PERSON' as never });
    await insertBulkDossiers(app.dataSource, {
      ...common,
      prefix: 'TH-TR',
      count: c.received!.transferredIn,
      channel: 'IN_PERSON' as never,
      transferredIn: true,
    });

    const card = await scorecard('HDG-TH', '2023');
    const online = criterion(card, 'onlineDossiers');
    expect(online).toMatchObject({ numerator: c.received!.online, denominator: c.received!.new });
    expect(asPublished(online.valuePercent!)).toBe(c.expect.onlineSharePercent);
    expect(asPublished(truncatePercent(online.denominator - online.numerator, online.denominator))).toBe(c.expect.inPersonSharePercent);
    expect(card.dossiersReceived + card.dossiersTransferredIn).toBe(c.received!.total);
    expect(asPublished(truncatePercent(card.dossiersTransferredIn, card.dossiersReceived + card.dossiersTransferredIn))).toBe(c.expect.transferredSharePercent);

    const province = await scorecard('HDG', '2023');
    expect(criterion(province, 'onlineDossiers')).toMatchObject({ numerator: online.numerator, denominator: online.denominator });
  });

  it('feedback handled on time, 2024-01..2024-09: 1,300 of 1,600', async () => {
    const c = figure('feedback-2024-Q1-Q3');
    const fb = await addAgency('FBK', AgencyKind.MINISTRY);
    await app.dataSource.query(
      `INSERT INTO feedback (code, agency_id, subject, content, sender_name, received_at, due_at, answered_at)
       SELECT 'FB-' || n, $1, 'Phản ánh', 'Nội dung', 'Người gửi', '2024-03-01T09:00:00+07:00', '2024-03-15T17:00:00+07:00',
              CASE WHEN n <= $2 THEN '2024-03-14T10:00:00+07:00'::timestamptz ELSE NULL END
         FROM generate_series(1, $3) AS n`,
      [fb.databaseId, c.feedback!.handled, c.feedback!.received],
    );
    const card = await scorecard('FBK', '2024');
    const answered = criterion(card, 'feedbackAnswered');
    expect(answered).toMatchObject({ numerator: c.feedback!.handled, denominator: c.feedback!.received });
    expect(asPublished(answered.valuePercent!)).toBe(c.expect.handledPercent);
  });
});

describe('every criterion on hand-built data (TPA, 2025-03)', () => {
  it('counts numerators and denominators as docs/INDEX_METHOD.md defines them', async () => {
    const stp = f.tpaJustice.databaseId;
    const commune = f.tpaCommune.databaseId;
    // Open ones are due after March: not in its overdue backlog.
    const march = { receivedAt: '2025-03-05T09:00:00+07:00', dueAt: '2025-04-15T17:00:00+07:00' };
    // Received in March at the department: 10 online for a free FULL-online procedure, 6 digitized, 8 synced, 7 tracked.
    await insertBulkDossiers(app.dataSource, {
      ...march,
      prefix: 'HB-A',
      agencyId: stp,
      procedureId: f.birth.databaseId,
      count: 6,
      digitizedAtReceipt: true,
      synced: true,
      historyComplete: true,
    });
    await insertBulkDossiers(app.dataSource, {
      ...march,
      prefix: 'HB-B',
      agencyId: stp,
      procedureId: f.birth.databaseId,
      count: 2,
      synced: true,
      historyComplete: true,
    });
    await insertBulkDossiers(app.dataSource, { ...march, prefix: 'HB-C', agencyId: stp, procedureId: f.birth.databaseId, count: 2 });
    // Received in March at the commune: 4 in person for the fee-bearing business procedure, 1 paid online… none: feePaidOnline false.
    await insertBulkDossiers(app.dataSource, {
      ...march,
      prefix: 'HB-D',
      agencyId: commune,
      procedureId: f.business.databaseId,
      count: 4,
      channel: 'IN_PERSON' as never,
    });
    // Completed in March (received in February): 5 early with e-result, 2 late with apology, 1 late without.
    const feb = { receivedAt: '2025-02-20T09:00:00+07:00', completedAt: '2025-03-10T09:00:00+07:00', status: 'RESULT_RETURNED' as never };
    await insertBulkDossiers(app.dataSource, {
      ...feb,
      prefix: 'HB-E',
      agencyId: stp,
      procedureId: f.birth.databaseId,
      count: 5,
      completionTimeliness: 'EARLY',
      electronicResult: true,
    });
    await insertBulkDossiers(app.dataSource, {
      ...feb,
      prefix: 'HB-F',
      agencyId: stp,
      procedureId: f.birth.databaseId,
      count: 2,
      completionTimeliness: 'LATE',
      apologyIssuedAt: '2025-03-09T09:00:00+07:00',
    });
    await insertBulkDossiers(app.dataSource, {
      ...feb,
      prefix: 'HB-G',
      agencyId: commune,
      procedureId: f.birth.databaseId,
      count: 1,
      completionTimeliness: 'LATE',
    });
    // Open and overdue at the end of March, received in 2024: the cumulative backlog (3), one with an apology.
    await insertBulkDossiers(app.dataSource, {
      receivedAt: '2024-11-01T09:00:00+07:00',
      dueAt: '2024-11-06T17:00:00+07:00',
      prefix: 'HB-H',
      agencyId: stp,
      procedureId: f.birth.databaseId,
      count: 2,
    });
    await insertBulkDossiers(app.dataSource, {
      receivedAt: '2024-11-01T09:00:00+07:00',
      dueAt: '2024-11-06T17:00:00+07:00',
      prefix: 'HB-I',
      agencyId: commune,
      procedureId: f.birth.databaseId,
      count: 1,
      apologyIssuedAt: '2024-11-07T09:00:00+07:00',
    });
    // Closed (withdrawn) in February: not in the March backlog.
    await app.dataSource.query(`UPDATE dossier SET closed_at = '2025-02-01T09:00:00+07:00', status = 'WITHDRAWN' WHERE code = 'HB-H-2'`);
    // Ratings given in March: 2 of 3 satisfied.
    await app.dataSource.query(
      `INSERT INTO satisfaction_rating (dossier_id, agency_id, level, rated_at) SELECT id, agency_id, (ARRAY['VERY_SATISFIED','SATISFIED','UNSATISFIED'])[row_number() OVER (ORDER BY id)]::rating_level, '2025-03-12T09:00:00+07:00' FROM dossier WHERE code LIKE 'HB-E-%' ORDER BY id LIMIT 3`,
    );
    // Feedback due in March: 2, one answered in time.
    await app.dataSource.getRepository(Feedback).insert([
      {
        code: 'HB-FB-1',
        agencyId: stp,
        subject: 's',
        content: 'c',
        senderName: 'n',
        receivedAt: new Date('2025-03-01T09:00:00+07:00'),
        dueAt: new Date('2025-03-14T17:00:00+07:00'),
        answeredAt: new Date('2025-03-13T09:00:00+07:00'),
      },
      {
        code: 'HB-FB-2',
        agencyId: commune,
        subject: 's',
        content: 'c',
        senderName: 'n',
        receivedAt: new Date('2025-03-01T09:00:00+07:00'),
        dueAt: new Date('2025-03-14T17:00:00+07:00'),
        answeredAt: new Date('2025-03-20T09:00:00+07:00'),
      },
    ]);
    // The procedures TPA's units list: birth and business at the department, land at the commune.
    await app.dataSource.query(`INSERT INTO agency_procedure (agency_id, procedure_id) VALUES ($1, $3), ($1, $4), ($2, $5), ($2, $3)`, [
      stp,
      commune,
      f.birth.databaseId,
      f.business.databaseId,
      f.land.databaseId,
    ]);

    const card = await scorecard('TPA', '2025-03');
    const got = Object.fromEntries(card.groups.flatMap((g) => g.criteria).map((c) => [c.key, [c.numerator, c.denominator]]));
    expect(got).toEqual({
      publishedOnTime: [0, 0], // no procedure announced in March 2025
      dossiersSynced: [8, 14],
      electronicTracking: [8, 14],
      onTime: [5, 8 + 2], // 5 in time of 8 completed + 2 overdue at the end of March
      apologised: [2 + 1, 3 + 2], // late with apology + backlog with apology, of late + backlog
      fullOnlineProcedures: [2, 3], // distinct procedures: birth and business FULL, land PARTIAL
      onlineDossiers: [10, 14], // every procedure is offered online
      onlinePaymentProcedures: [1, 1], // business is the only fee-bearing one, and takes online payment
      onlinePayments: [0, 4],
      satisfied: [2, 3],
      feedbackAnswered: [1, 2],
      digitizedAtReceipt: [6, 14],
      electronicResults: [5, 8],
      dataReused: [0, 10],
    });
    expect(card.overdueBacklog).toBe(2);
    expect(card.notApplicable).toEqual(['publishedOnTime']);
    // Rescaled over the 94 applicable points (publishedOnTime's 6 are out).
    const points = card.groups.flatMap((g) => g.criteria).reduce((s, c) => s + (c.score ?? 0), 0);
    expect(card.total).toBeCloseTo((100 * points) / 94, 1);
    expect(criterion(card, 'onTime')).toMatchObject({ value: 0.5, valuePercent: '50.00', score: 7, maxScore: 14 });
    // The department alone: the commune's figures are not in it.
    expect(criterion(await scorecard('TPA-STP', '2025-03'), 'onTime')).toMatchObject({ numerator: 5, denominator: 7 + 1 }); // HB-H-2 left the backlog when withdrawn
  });
});

describe('rankings', () => {
  it('competition ranks with ties, public, with the CSV download', async () => {
    for (const code of ['RKA', 'RKB', 'RKC', 'RKD']) await addAgency(code, AgencyKind.PROVINCE);
    const add = (code: string, prefix: string, count: number, timeliness: 'EARLY' | 'LATE') =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId: agencies[code].databaseId,
        procedureId: f.birth.databaseId,
        count,
        receivedAt: '2025-02-03T09:00:00+07:00',
        completedAt: '2025-02-10T09:00:00+07:00',
        completionTimeliness: timeliness,
        status: 'COMPLETED' as never,
      });
    await add('RKA', 'RKA-1', 10, 'EARLY');
    await add('RKB', 'RKB-1', 10, 'EARLY');
    await add('RKC', 'RKC-1', 8, 'EARLY');
    await add('RKC', 'RKC-2', 2, 'LATE');
    await add('RKD', 'RKD-1', 5, 'EARLY');
    await add('RKD', 'RKD-2', 5, 'LATE');
    // Rows written straight in SQL bypass the services' change events: rebuild the periods, as an admin would after a bulk load.
    for (const period of ['2025-01', '2025-02', '2025-03']) await app.services.index.recompute(period);
    const res = await app.gql(`{ rankings(period: "2025-02", kind: PROVINCE) { agency { code } rank rankOutOf total } }`);
    const rows = res.data!.rankings as { agency: { code: string }; rank: number | null; rankOutOf: number }[];
    // TPA and HDG also have February figures (received or completed, worse than RKD's): 6 ranked provinces.
    expect(rows.filter((r) => r.agency.code.startsWith('RK')).map((r) => [r.agency.code, r.rank, r.rankOutOf])).toEqual([
      ['RKA', 1, 6],
      ['RKB', 1, 6],
      ['RKC', 3, 6],
      ['RKD', 4, 6],
    ]);
    expect(rows.map((r) => r.rank)).toEqual([...rows.map((r) => r.rank)].sort((a, b) => (a ?? Infinity) - (b ?? Infinity)));

    // For Excel: UTF-8 with its byte order mark, Vietnamese headers (criteria by their names).
    const csv = await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-02&kind=PROVINCE'));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const shown = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(shown[0]).toMatch(/^Hạng,Số cơ quan được xếp hạng,Mã cơ quan,Tên cơ quan,Kỳ,Tổng điểm,/);
    expect(shown[0]).toContain('Hồ sơ giải quyết đúng hạn (%)');
    // Machine keys on request, the same rows.
    const keyed = await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-02&kind=PROVINCE&header=keys'));
    const lines = Buffer.from(await keyed.arrayBuffer())
      .subarray(3)
      .toString('utf8')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^rank,rank_out_of,agency_code,agency_name,period,total,/);
    expect(lines.slice(1)).toEqual(shown.slice(1));
    expect((await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-02&kind=PROVINCE&header=english'))).status).toBe(400);
    const rkc = lines.find((l) => l.includes(',RKC,'))!.split(',');
    expect(rkc[0]).toBe('3');
    expect(rkc).toContain('80.00'); // onTime: 8 of 10, truncated to two decimals
    expect((await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-13&kind=PROVINCE'))).status).toBe(400);
    expect((await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-02'))).status).toBe(400);
  });

  it('refuses a malformed period naming the forms expected, once', async () => {
    const res = await app.gql(`{ rankings(period: "2025-13", kind: PROVINCE) { rank } }`);
    expect(res.errors?.[0]).toMatchObject({
      message: 'Invalid input: period must be YYYY-MM, YYYY-Qn or YYYY: "2025-13"',
      extensions: { code: 'BAD_USER_INPUT', field: 'period' },
    });
    const trend = await app.gql(`{ scoreTrend(agencyCode: "TPA", from: "2025", to: "2025/06") { period } }`);
    expect(trend.errors?.[0].message).toBe('Invalid input: to must be YYYY-MM, YYYY-Qn or YYYY: "2025/06"');
  });

  it('refuses a period that has not begun, without computing or keeping it (anonymous reads compute a period on first read)', async () => {
    const future = await app.gql(`{ rankings(period: "2099-01", kind: PROVINCE) { rank } }`);
    expect(future.errors?.[0]).toMatchObject({ message: 'Period 2099-01 has not begun yet.', extensions: { code: 'BAD_USER_INPUT', field: 'period' } });
    const trend = await app.gql(`{ scoreTrend(agencyCode: "TPA", from: "2026-01", to: "2028-12") { period } }`);
    expect(trend.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await fetch(app.url.replace('/graphql', '/rankings.csv?period=2099&kind=PROVINCE'))).status).toBe(400);
    const stored = await app.dataSource.query(`SELECT period FROM index_period WHERE period >= '2027' ORDER BY period`);
    expect(stored).toEqual([]);
    // The running month (now is 5 January 2026) is begun: it is computed.
    expect((await app.gql(`{ rankings(period: "2026-01", kind: PROVINCE) { rank } }`)).errors).toBeUndefined();
  });

  it('ranks the 1 July 2025 structure as it was: old provinces before, merged ones after, the year on the new', async () => {
    const merged = await addAgency('MRG', AgencyKind.PROVINCE, undefined, { validFrom: '2025-07-01' });
    await addAgency('OLD', AgencyKind.PROVINCE, undefined, { validTo: '2025-07-01', successorId: merged.databaseId });
    const add = (code: string, prefix: string, month: string) =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId: agencies[code].databaseId,
        procedureId: f.birth.databaseId,
        count: 3,
        receivedAt: `${month}-03T09:00:00+07:00`,
        completedAt: `${month}-10T09:00:00+07:00`,
        completionTimeliness: 'EARLY',
        status: 'COMPLETED' as never,
      });
    await add('OLD', 'OLD-1', '2025-06');
    await add('MRG', 'MRG-1', '2025-08');
    for (const period of ['2025-06', '2025-08', '2025']) await app.services.index.recompute(period);
    const codes = async (period: string) =>
      (
        (await app.gql(`query($p: String!) { rankings(period: $p, kind: PROVINCE) { agency { code } } }`, { p: period })).data!.rankings as {
          agency: { code: string };
        }[]
      ).map((r) => r.agency.code);
    expect(await codes('2025-06')).toContain('OLD');
    expect(await codes('2025-06')).not.toContain('MRG');
    expect(await codes('2025-08')).toContain('MRG');
    expect(await codes('2025-08')).not.toContain('OLD');
    expect(await codes('2025')).not.toContain('OLD');
    // The merged province's year includes the old one's first half.
    expect(criterion(await scorecard('MRG', '2025'), 'onTime')).toMatchObject({ numerator: 6, denominator: 6 });
    expect(await scorecard('OLD', '2025-08')).toBeNull();
    const bad = await app.gql(`{ rankings(period: "2025-08", kind: COMMUNE) { rank } }`);
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentCode' });
  });
});

describe('stored, incremental, reproducible', () => {
  it('a committed dossier change updates the stored scorecards; recompute gives identical figures', async () => {
    now = new Date('2026-01-12T09:00:00+07:00');
    const before = await scorecard('TPA', '2026-01');
    const officer = app.token(Role.OFFICER, 'TPA');
    for (const code of ['INC-1', 'INC-2', 'INC-3']) {
      await app.gql(
        `mutation($code: String!) { receiveDossier(input: { code: $code, procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, digitizedAtReceipt: true, receivedAt: "2026-01-08T09:00:00+07:00", applicant: { kind: CITIZEN, name: "Phạm D", idNumber: "001090011111" } }) { code } }`,
        { code },
        officer,
      );
    }
    await app.gql(`mutation { startProcessing(code: "INC-1") { code } }`, {}, officer);
    await app.gql(`mutation { completeDossier(code: "INC-1", electronicResult: true) { code } }`, {}, officer);
    await app.services.index.whenIdle();
    const incremental = await scorecard('TPA', '2026-01');
    expect(incremental.dossiersReceived).toBe(before.dossiersReceived + 3);
    expect(criterion(incremental, 'onTime')).toMatchObject({
      numerator: criterion(before, 'onTime').numerator + 1,
      denominator: criterion(before, 'onTime').denominator + 1,
    });
    expect(criterion(incremental, 'digitizedAtReceipt').numerator).toBe(criterion(before, 'digitizedAtReceipt').numerator + 3);

    const recomputed = await app.gql(`mutation { recomputeIndex(period: "2026-01") { scorecards changes } }`, {}, app.token(Role.ADMIN, 'TPA'));
    expect(recomputed.errors).toBeUndefined();
    const full = await scorecard('TPA', '2026-01');
    const strip = ({ computedAt: _c, ...rest }: Card & { computedAt?: string }) => rest;
    expect(strip(full)).toEqual(strip(incremental));
    const ranking = async () =>
      (await app.gql(`{ rankings(period: "2026-01", kind: DEPARTMENT, parentCode: "TPA") { agency { code } rank total } }`)).data!.rankings;
    const afterIncremental = await ranking();
    await app.services.index.recompute('2026-01');
    expect(await ranking()).toEqual(afterIncremental);
  });

  it('emits RANKING_CHANGED and SCORE_DROPPED when a recompute moves a rank or drops a score', async () => {
    const seen: { kind: string; agencyId: number }[] = [];
    const listener = (e: { kind: string; agencyId: number }) => seen.push(e);
    app.services.events.on('indexChanged', listener);
    await insertBulkDossiers(app.dataSource, {
      prefix: 'RKA-LATE',
      agencyId: agencies.RKA.databaseId,
      procedureId: f.birth.databaseId,
      count: 10,
      receivedAt: '2025-02-03T09:00:00+07:00',
      completedAt: '2025-02-20T09:00:00+07:00',
      completionTimeliness: 'LATE',
      status: 'COMPLETED' as never,
    });
    await app.gql(`mutation { recomputeIndex(period: "2025-02") { changes } }`, {}, app.token(Role.ADMIN, 'TPA'));
    app.services.events.off('indexChanged', listener);
    const forRka = seen.filter((e) => e.agencyId === agencies.RKA.databaseId).map((e) => e.kind);
    expect(forRka).toEqual(['RANKING_CHANGED', 'SCORE_DROPPED']);
    const card = await scorecard('RKA', '2025-02');
    expect(card.rank).toBeGreaterThan(1);
  });

  it('a period is final 10 working days after its end, or when an ADMIN closes it', async () => {
    expect((await scorecard('TPA', '2025-03')).final).toBe(true);
    expect((await scorecard('TPA', '2026-01')).final).toBe(false);
    const denied = await app.gql(`mutation { finalizeIndexPeriod(period: "2026-01") }`, {}, app.token(Role.LEADER, 'TPA'));
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    await app.gql(`mutation { finalizeIndexPeriod(period: "2026-01") }`, {}, app.token(Role.ADMIN, 'TPA'));
    expect((await scorecard('TPA', '2026-01')).final).toBe(true);
  });

  it('deltas against the previous period, and a trend', async () => {
    const trend = await app.gql(`{ scoreTrend(agencyCode: "RKC", from: "2025-01", to: "2025-03") { period total rank rankDelta scoreDelta } }`);
    expect(trend.data!.scoreTrend.map((c: { period: string }) => c.period)).toEqual(['2025-01', '2025-02', '2025-03']);
    const [jan, feb] = trend.data!.scoreTrend;
    expect(jan.total).toBeNull();
    expect(feb.total).not.toBeNull();
    expect(feb.scoreDelta).toBeNull(); // nothing to compare with in January
    const bad = await app.gql(`{ scoreTrend(agencyCode: "RKC", from: "2025-01", to: "2025-Q1") { period } }`);
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('delay accountability', () => {
  it('attributes late and overdue dossiers to the unit and officer holding them at the due time, for LEADER and ADMIN only', async () => {
    const dossier = (await app.dataSource.query(`SELECT id, agency_id FROM dossier WHERE code = 'HB-H-1'`))[0];
    await app.dataSource.query(
      `INSERT INTO dossier_event (dossier_id, kind, from_status, to_status, actor, actor_agency_id, occurred_at) VALUES ($1, 'RECEIVED', NULL, 'RECEIVED', 'officer-a', $2, '2024-11-01T09:00:00+07:00'), ($1, 'PROCESSING_STARTED', 'RECEIVED', 'PROCESSING', 'officer-b', $2, '2024-11-02T09:00:00+07:00'), ($1, 'SUPPLEMENT_REQUESTED', 'PROCESSING', 'AWAITING_SUPPLEMENT', 'officer-c', $2, '2024-12-01T09:00:00+07:00')`,
      [dossier.id, dossier.agency_id],
    );
    const query = `{ delayReport(agencyCode: "TPA", period: "2025-03") { unit { code } officer lateDossiers overdueDossiers total } }`;
    const res = await app.gql(query, {}, app.token(Role.LEADER, 'TPA'));
    expect(res.errors).toBeUndefined();
    const rows = res.data!.delayReport as { unit: { code: string }; officer: string; lateDossiers: number; overdueDossiers: number; total: number }[];
    expect(rows).toContainEqual({ unit: { code: 'TPA-STP' }, officer: 'officer-b', lateDossiers: 0, overdueDossiers: 1, total: 1 });
    expect(rows.reduce((s, r) => s + r.lateDossiers, 0)).toBe(3);
    expect(rows.reduce((s, r) => s + r.overdueDossiers, 0)).toBe(2);
    expect((await app.gql(query, {}, app.token(Role.OFFICER, 'TPA'))).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await app.gql(query)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(query, {}, app.token(Role.LEADER, 'TPB'))).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('the first computation of a period compares with the previous one', () => {
  it('raises SCORE_DROPPED with both totals when a month opens lower than the last closed (the Ha Noi 2024-09 case)', async () => {
    const hni = await addAgency('HNX', AgencyKind.PROVINCE);
    const add = (prefix: string, month: string, count: number, timeliness: 'EARLY' | 'LATE') =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId: hni.databaseId,
        procedureId: f.birth.databaseId,
        count,
        receivedAt: `${month}-03T09:00:00+07:00`,
        completedAt: `${month}-10T09:00:00+07:00`,
        completionTimeliness: timeliness,
        status: 'COMPLETED' as never,
      });
    await add('HNX-8', '2024-08', 10, 'EARLY');
    await add('HNX-9a', '2024-09', 6, 'EARLY');
    await add('HNX-9b', '2024-09', 4, 'LATE');
    await app.services.index.recompute('2024-08');
    const seen: { kind: string; agencyId: number; oldTotal?: number; newTotal?: number; comparedWith: string }[] = [];
    const listener = (e: (typeof seen)[number]) => seen.push(e);
    app.services.events.on('indexChanged', listener);
    const september = await scorecard('HNX', '2024-09'); // first read computes the period
    app.services.events.off('indexChanged', listener);
    const drop = seen.find((e) => e.agencyId === hni.databaseId && e.kind === 'SCORE_DROPPED');
    expect(drop).toMatchObject({ comparedWith: '2024-08', newTotal: september.total });
    expect(september.scoreDelta).toBeCloseTo(september.total! - drop!.oldTotal!, 2);
    expect(september.scoreDelta).toBeLessThan(0);
  });
});

// Last: reading a period's scorecards computes the previous period too, which earlier tests expect uncomputed.
describe('mergers', () => {
  it('merged into an agency that already existed: its figures join the successor only in periods it did not outlive (never counted twice)', async () => {
    const taker = await addAgency('TKR', AgencyKind.PROVINCE);
    await addAgency('GONE', AgencyKind.PROVINCE, undefined, { validTo: '2025-03-01', successorId: taker.databaseId });
    const add = (code: string, prefix: string, month: string, timeliness: 'EARLY' | 'LATE') =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId: agencies[code].databaseId,
        procedureId: f.birth.databaseId,
        count: 5,
        receivedAt: `${month}-03T09:00:00+07:00`,
        completedAt: `${month}-10T09:00:00+07:00`,
        completionTimeliness: timeliness,
        status: 'COMPLETED' as never,
      });
    await add('TKR', 'TKR-1', '2024-10', 'EARLY');
    await add('GONE', 'GONE-1', '2024-10', 'LATE');
    await add('GONE', 'GONE-2', '2025-02', 'EARLY');
    for (const period of ['2024-10', '2025']) await app.services.index.recompute(period);
    // October 2024: both exist and both are ranked; each has its own dossiers only.
    expect(criterion(await scorecard('TKR', '2024-10'), 'onTime')).toMatchObject({ numerator: 5, denominator: 5 });
    expect(criterion(await scorecard('GONE', '2024-10'), 'onTime')).toMatchObject({ numerator: 0, denominator: 5 });
    // 2025: GONE ended in March; the year scores TKR with GONE's months.
    expect(criterion(await scorecard('TKR', '2025'), 'onTime')).toMatchObject({ numerator: 5, denominator: 5 });
  });
});
