import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;
const now = new Date('2025-06-02T09:00:00+07:00'); // a Monday

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const receive = (code: string, token: string) =>
  app.gql(
    `mutation($code: String!) { receiveDossier(input: { code: $code, procedureCode: "1.000894", agencyCode: "TPA-STP", channel: IN_PERSON, applicant: { kind: CITIZEN, name: "Lê Văn C", idNumber: "001090099999" } }) { dueAt } }`,
    { code },
    token,
  );

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
      { action: 'CALENDAR_DAY_REMOVED', actor: 'admin-1', target: 'calendar:2025-06-02', before: { date: '2025-06-02', kind: 'DAY_OFF', name: 'Nghỉ bù' }, after: null },
      { action: 'CALENDAR_DAY_SET', actor: 'admin-1', target: 'calendar:2025-06-02', before: null, after: { date: '2025-06-02', kind: 'DAY_OFF', name: 'Nghỉ bù' } },
    ]);
    expect((await app.gql(`{ auditLog(first: 10) { totalCount } }`, {}, officer)).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
