import { Role } from '../../src/domain/enums';
import { metricValue, readinessOf, scrapeMetrics, startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;
const MONDAY = new Date('2025-06-02T09:00:00+07:00');
let now = MONDAY;

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const receive = (code: string, token: string, receivedAt?: string) =>
  app.gql(
    `mutation($code: String!, $receivedAt: DateTime) { receiveDossier(input: { code: $code, procedureCode: "1.000894", agencyCode: "TPA-STP", channel: IN_PERSON, receivedAt: $receivedAt, applicant: { kind: CITIZEN, name: "Lê Văn C", idNumber: "001090099999" } }) { dueAt } }`,
    { code, receivedAt },
    token,
  );

type Day = { date: string; kind: string; name: string; provisional: boolean };
const days = async (from: string, to: string): Promise<Day[]> => {
  const res = await app.gql(`query($from: LocalDate!, $to: LocalDate!) { calendarDays(from: $from, to: $to) { date kind name provisional } }`, { from, to });
  expect(res.errors).toBeUndefined();
  return res.data!.calendarDays;
};

describe('the working-day calendar as data', () => {
  it('is public and seeded from the official list', async () => {
    const res = await app.gql(`{ calendarDays(from: "2025-04-20", to: "2025-05-10") { date kind name } officeHours { timeZone officeStart officeEnd } }`);
    expect(res.data!.calendarDays.map((d: { date: string; kind: string }) => `${d.date} ${d.kind}`)).toEqual([
      '2025-04-26 EXTRA_WORKING_DAY',
      '2025-04-30 DAY_OFF',
      '2025-05-01 DAY_OFF',
      '2025-05-02 DAY_OFF',
    ]);
    expect(res.data!.officeHours).toEqual({ timeZone: 'Asia/Ho_Chi_Minh', officeStart: '08:00', officeEnd: '17:00' });
    const tooLong = await app.gql(`{ calendarDays(from: "2020-01-01", to: "2025-01-01") { date } }`);
    expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('a date in another form is refused naming the form expected, as a literal or a variable', async () => {
    const literal = await app.gql(`{ calendarDays(from: "30/09/2024", to: "2024-10-31") { date } }`);
    expect(literal.errors?.[0].message).toContain('LocalDate must be YYYY-MM-DD: "30/09/2024"');
    expect(literal.errors?.[0].message).not.toContain('not a valid LocalDate');
    const variable = await app.gql(`query($from: LocalDate!) { calendarDays(from: $from, to: "2024-10-31") { date } }`, { from: '30/09/2024' });
    expect(variable.errors?.[0]).toMatchObject({
      message: expect.stringContaining('LocalDate must be YYYY-MM-DD: "30/09/2024"'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // A date of the right form that does not exist is refused the same way.
    const impossible = await app.gql(`query($from: LocalDate!) { calendarDays(from: $from, to: "2025-03-31") { date } }`, { from: '2025-02-30' });
    expect(impossible.errors?.[0].message).toContain('LocalDate must be YYYY-MM-DD: "2025-02-30"');
  });

  it('an ADMIN edit changes new deadlines at once and is recorded; others may not edit', async () => {
    const admin = app.token(Role.ADMIN, 'TPA', 'admin-1');
    const officer = app.token(Role.OFFICER, 'TPA');
    expect((await receive('CAL-1', officer)).data!.receiveDossier.dueAt).toBe('2025-06-02T17:00:00+07:00');

    const denied = await app.gql(`mutation { setCalendarDay(date: "2025-06-02", kind: DAY_OFF, name: "Nghỉ bù") { date } }`, {}, officer);
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    const set = await app.gql(`mutation { setCalendarDay(date: "2025-06-02", kind: DAY_OFF, name: "Nghỉ bù") { date kind name } }`, {}, admin);
    expect(set.data!.setCalendarDay).toEqual({ date: '2025-06-02', kind: 'DAY_OFF', name: 'Nghỉ bù' });
    // Received on a day now off: counts from Tuesday's opening, same-day procedure → Tuesday 17:00.
    expect((await receive('CAL-2', officer)).data!.receiveDossier.dueAt).toBe('2025-06-03T17:00:00+07:00');
    // The first dossier's deadline was fixed at receipt.
    expect((await app.gql(`{ dossier(code: "CAL-1") { dueAt } }`, {}, officer)).data!.dossier.dueAt).toBe('2025-06-02T17:00:00+07:00');

    expect((await app.gql(`mutation { removeCalendarDay(date: "2025-06-02") }`, {}, admin)).data!.removeCalendarDay).toBe(true);
    expect((await app.gql(`mutation { removeCalendarDay(date: "2025-06-02") }`, {}, admin)).data!.removeCalendarDay).toBe(false);
    expect((await receive('CAL-3', officer)).data!.receiveDossier.dueAt).toBe('2025-06-02T17:00:00+07:00');

    // Both edits are in the audit log, newest first, for ADMIN only.
    const log = await app.gql(`{ auditLog(first: 10, target: "calendar:") { totalCount nodes { action actor target before after at } } }`, {}, admin);
    expect(log.errors).toBeUndefined();
    expect(log.data!.auditLog.nodes.map(({ at: _at, ...entry }: { at: string }) => entry)).toEqual([
      {
        action: 'CALENDAR_DAY_REMOVED',
        actor: 'admin-1',
        target: 'calendar:2025-06-02',
        before: { date: '2025-06-02', kind: 'DAY_OFF', name: 'Nghỉ bù' },
        after: null,
      },
      {
        action: 'CALENDAR_DAY_SET',
        actor: 'admin-1',
        target: 'calendar:2025-06-02',
        before: null,
        after: { date: '2025-06-02', kind: 'DAY_OFF', name: 'Nghỉ bù' },
      },
    ]);
    expect((await app.gql(`{ auditLog(first: 10) { totalCount } }`, {}, officer)).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('a year without an official notice (Labour Code 2019 art. 112, provisional)', () => {
  afterEach(() => {
    now = MONDAY;
  });

  it('a dossier received during Tết 2027 is due after Tết', async () => {
    const officer = app.token(Role.OFFICER, 'TPA');
    now = new Date('2027-02-08T10:00:00+07:00'); // Monday, the 3rd day of the year of the Goat
    const res = await receive('CAL-TET-1', officer, '2027-02-08T09:00:00+07:00');
    expect(res.errors).toBeUndefined();
    // A same-day procedure: counted from the first working day after Tết (Thu 11 Feb), due at its close.
    expect(res.data!.receiveDossier.dueAt).toBe('2027-02-11T17:00:00+07:00');
  });

  it('calendarDays lists the computed days as provisional, the official ones not', async () => {
    const tet2027 = await days('2027-02-01', '2027-02-14');
    expect(tet2027.map((d) => [d.date, d.kind, d.provisional])).toEqual(
      ['2027-02-04', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10'].map((date) => [date, 'DAY_OFF', true]),
    );
    expect(tet2027[0].name).toMatch(/Tet/);
    const tet2026 = await days('2026-02-14', '2026-02-22');
    expect(tet2026.length).toBeGreaterThan(0);
    expect(tet2026.every((d) => d.provisional === false)).toBe(true);
  });

  it('an ADMIN entry replaces a computed day, and a year marked official has no computed days', async () => {
    const admin = app.token(Role.ADMIN, 'TPA', 'admin-2');
    const officer = app.token(Role.OFFICER, 'TPA');
    now = new Date('2027-02-09T10:00:00+07:00');
    const set = await app.gql(
      `mutation { setCalendarDay(date: "2027-02-10", kind: EXTRA_WORKING_DAY, name: "Làm việc (thông báo Tết 2027)") { date kind provisional } }`,
      {},
      admin,
    );
    expect(set.data!.setCalendarDay).toEqual({ date: '2027-02-10', kind: 'EXTRA_WORKING_DAY', provisional: false });
    expect((await days('2027-02-10', '2027-02-10')).map((d) => [d.kind, d.provisional])).toEqual([['EXTRA_WORKING_DAY', false]]);
    expect((await receive('CAL-TET-2', officer, '2027-02-09T09:00:00+07:00')).data!.receiveDossier.dueAt).toBe('2027-02-10T17:00:00+07:00');

    const denied = await app.gql(`mutation { setCalendarYearOfficial(year: 2027, official: true) }`, {}, officer);
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    const outOfRange = await app.gql(`mutation { setCalendarYearOfficial(year: 1999, official: true) }`, {}, admin);
    expect(outOfRange.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const marked = await app.gql(`mutation { setCalendarYearOfficial(year: 2027, official: true, source: "Thông báo Tết 2027") }`, {}, admin);
    expect(marked.data!.setCalendarYearOfficial).toBe(true);
    // Only what was entered remains: the year's notice is the admin's now.
    expect((await days('2027-01-01', '2027-12-31')).map((d) => d.date)).toEqual(['2027-02-10']);
    expect((await app.gql(`mutation { setCalendarYearOfficial(year: 2027, official: false) }`, {}, admin)).data!.setCalendarYearOfficial).toBe(false);
    expect((await days('2027-02-01', '2027-02-14')).filter((d) => d.provisional).length).toBe(6);

    const log = await app.gql(`{ auditLog(first: 2, target: "calendar:2027") { nodes { action actor target before after } } }`, {}, admin);
    expect(log.data!.auditLog.nodes).toEqual([
      { action: 'CALENDAR_YEAR_SET', actor: 'admin-2', target: 'calendar:2027', before: { year: 2027, source: 'Thông báo Tết 2027' }, after: null },
      { action: 'CALENDAR_YEAR_SET', actor: 'admin-2', target: 'calendar:2027', before: null, after: { year: 2027, source: 'Thông báo Tết 2027' } },
    ]);
    expect((await app.gql(`mutation { removeCalendarDay(date: "2027-02-10") }`, {}, admin)).data!.removeCalendarDay).toBe(true);
  });

  it('readiness and the metric say when the next 90 days depend on provisional days, without failing readiness', async () => {
    now = new Date('2027-01-10T09:00:00+07:00');
    const ahead = await readinessOf(app);
    expect(ahead.status).toBe(200);
    expect(ahead.body.status).toBe('ok');
    expect(ahead.body.checks.calendar).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^5 provisional day\(s\) off in the next 90 days \(2027-02-04, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10\)/),
    });
    // Tết's five weekdays off; Hùng Kings' day (16 April) is beyond the 90 days.
    expect(metricValue(await scrapeMetrics(app), 'calendar_provisional_days_next_90')).toBe(5);

    now = MONDAY; // 2025: the official calendar
    const official = await readinessOf(app);
    expect(official.body.checks.calendar).toEqual({ ok: true, ms: expect.any(Number) });
    expect(metricValue(await scrapeMetrics(app), 'calendar_provisional_days_next_90')).toBe(0);
  });
});
