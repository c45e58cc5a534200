import { setImmediate as nextTurn } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DataSource, EntityManager } from 'typeorm';
import { formatDayNumber, localDayNumberOf, OfficeHours, parseLocalTime, WorkingCalendar } from '../domain/calendar';
import { dueAtReceipt, extendForClockStop, type DueAtReceipt } from '../domain/deadlines';
import { AgencyKind, ApplicantKind, DossierChannel, DossierEventKind, OnlineLevel, SatisfactionLevel } from '../domain/enums';
import { computeFeedbackDueAt } from '../domain/feedback';
import { DossierStatus, isHistoryComplete, requiredHistory } from '../domain/lifecycle';
import { periodsContaining, previousPeriod } from '../domain/periods';
import { foldVietnamese } from '../domain/text';
import { classifyTimeliness, Timeliness } from '../domain/timeliness';
import { Agency, Procedure, ServiceCommitment } from '../entities';
import { hashLookupSecret } from '../services/dossier-service';
import { DEPARTMENTS, isValidOn, MERGED_PROVINCES, MINISTRIES, PROVINCES_BEFORE_REFORM, rootCodeOf } from './agencies';
import { businessName, citizenId, enterpriseCode, mobilePhone, personName, streetAddress } from './people';
import { FieldInfo, FIELDS, ProcedureCatalogue } from './procedures';
import { Rng, WeightedPicker } from './random';
import { Column, insertRows, releaseIds, reserveIds, tableColumns } from './sql';

/**
 * Demo dossiers with their full event history, satisfaction ratings and feedback, generated
 * day by day in receipt order and inserted in bulk (multi-row INSERTs, one transaction per
 * chunk), so that a million dossiers take minutes.
 *
 * Every dossier follows the lifecycle and the deadline rules of the domain: the due time comes
 * from dueAtReceipt with the real calendar, the agency's office hours and its commitments; a
 * clock stop moves it through extendForClockStop; completion timeliness is classifyTimeliness.
 * Rates (online share, lateness, sync, digitization …) vary per province and agency.
 */

/** How far back the demo data reaches before its "now": two years, so a month compares with the same month a year before. */
export const DEMO_MONTHS = 24;

/**
 * First receipt day of the demo data by default: the start (local time) of the month
 * DEMO_MONTHS before `now`'s. The default `now` is the moment of seeding, so the demo is alive
 * on the day it is loaded; a given `now` gives the same window, and the same rows, every time.
 */
export function demoWindowStart(now: Date): Date {
  let month = periodsContaining(now)[0];
  for (let i = 0; i < DEMO_MONTHS; i++) month = previousPeriod(month);
  return month.start;
}

const MINUTE_MS = 60_000;

/**
 * The live demo dossiers: in progress at LIVE_DEMO_AGENCY, falling due these office minutes after
 * the demo's "now", so that a first start raises DOSSIER_DUE_SOON at once and DOSSIER_OVERDUE
 * within minutes (during office hours; otherwise from the next opening). Codes LIVE_DEMO_CODE_PREFIX
 * + 01, 02 … in that order; the regular codes (G22.<agency>.<yy>-<number>) never take that form.
 */
const LIVE_DUE_OFFSETS = [2, 4, 6, 9, 12, 16, 20, 30, 45, 60, 90, 120, 180, 240];
/**
 * And then two already overdue by these working days at LIVE_DEMO_AGENCY (alerted in the demo's
 * past), so that its overdue list is never empty whatever the random backlog gave it.
 */
const LIVE_OVERDUE_DAYS = [1, 3];
export const LIVE_DEMO_AGENCY = 'HNI-STP';
export const LIVE_DEMO_CODE_PREFIX = 'G22.HNI-STP.DEMO-';
/** The demo dossier to follow (README, the start's banner): the first live one, its secret demoLookupSecret(code). */
export const DEMO_DOSSIER_CODE = `${LIVE_DEMO_CODE_PREFIX}01`;
/** Smallest data set that gets the live dossiers (counted in its total). */
const LIVE_MIN_COUNT = 1000;

/** Share of all dossiers handled by ministries (the rest by provinces and their units). */
const MINISTRY_SHARE = 0.07;

/**
 * The lookup secret of a demo dossier, derivable from its code so that a demo user can follow
 * any seeded dossier (trackDossier). Demo data only: real secrets are random.
 */
export function demoLookupSecret(code: string): string {
  return createHash('sha256').update(`service-index-demo:${code}`, 'utf8').digest('base64url').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Per-agency behaviour
// ---------------------------------------------------------------------------------------------

/** How an agency behaves: the rates the index measures. */
export interface AgencyProfile {
  online: number;
  postal: number;
  late: number;
  /** Share of dossiers completed in time that finish on their due day (ON_TIME, not EARLY). */
  onTime: number;
  /** Dossiers that are never completed (the overdue backlog). */
  stuck: number;
  supplement: number;
  withdraw: number;
  reject: number;
  transfer: number;
  sync: number;
  digitized: number;
  eResult: number;
  reuse: number;
  payOnline: number;
  apology: number;
  /** Probability that the event history is complete. */
  tracking: number;
  transferIn: number;
  satisfied: number;
  rated: number;
  feedbackOnTime: number;
  neverReturned: number;
}

function baseProfile(rng: Rng): AgencyProfile {
  return {
    online: rng.float(0.78, 0.93),
    postal: rng.float(0.01, 0.03),
    late: rng.float(0.01, 0.05),
    onTime: rng.float(0.04, 0.14),
    stuck: rng.float(0.001, 0.006),
    supplement: rng.float(0.07, 0.13),
    withdraw: rng.float(0.004, 0.012),
    reject: rng.float(0.006, 0.018),
    transfer: rng.float(0.001, 0.005),
    sync: rng.float(0.85, 0.98),
    digitized: rng.float(0.84, 0.97),
    eResult: rng.float(0.6, 0.8),
    reuse: rng.float(0.15, 0.55),
    payOnline: rng.float(0.35, 0.85),
    apology: rng.float(0.55, 0.95),
    tracking: rng.float(0.93, 0.995),
    transferIn: rng.float(0.002, 0.008),
    satisfied: rng.float(0.86, 0.98),
    rated: rng.float(0.3, 0.5),
    feedbackOnTime: rng.float(0.65, 0.92),
    neverReturned: rng.float(0.01, 0.05),
  };
}

const SMALL_RATES: readonly (keyof AgencyProfile)[] = ['late', 'stuck', 'supplement', 'withdraw', 'reject', 'transfer', 'transferIn', 'postal', 'neverReturned'];

/** A unit's profile: its province's (or ministry's), varied a little. */
function jitter(base: AgencyProfile, rng: Rng): AgencyProfile {
  const out = { ...base };
  for (const key of Object.keys(out) as (keyof AgencyProfile)[]) {
    out[key] = SMALL_RATES.includes(key) ? base[key] * rng.float(0.6, 1.4) : Math.min(1, Math.max(0, base[key] + rng.float(-0.03, 0.03)));
  }
  return out;
}

/**
 * Agencies the press wrote about (seed-data/published-figures.json), so the demo tells
 * their story: Ha Noi's weak score and old overdue backlog, Dak Lak's 0.54 % late rate, Thanh Ha
 * district's online share and digitization, Bac Ninh's electronic results after the merger.
 * A root's override applies to its whole subtree; any other code's to that agency only.
 */
export const PROFILE_OVERRIDES: Readonly<Record<string, Partial<AgencyProfile>>> = {
  HNI: { late: 0.045, stuck: 0.012, sync: 0.86, eResult: 0.6, apology: 0.55 },
  DLK: { late: 0.0054, onTime: 0.177 },
  'HDG-HTHANHHA': { online: 0.8709, transferIn: 0.0061, digitized: 0.9918, late: 0.0003 },
  BNH2: { eResult: 0.67, late: 0.03, payOnline: 0.3 },
};

// ---------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------

const SUPPLEMENT_REASONS = [
  'Thiếu bản sao giấy tờ tùy thân của người đề nghị',
  'Tờ khai chưa đúng mẫu quy định',
  'Thiếu chữ ký của người đề nghị trên tờ khai',
  'Thông tin kê khai chưa thống nhất với giấy tờ kèm theo',
  'Thiếu giấy ủy quyền hợp lệ',
  'Bổ sung bản vẽ, sơ đồ kèm theo hồ sơ',
  'Bản scan giấy tờ không rõ, đề nghị nộp lại',
  'Thiếu văn bản ý kiến của cơ quan liên quan',
];
const REJECT_REASONS = [
  'Hồ sơ không thuộc thẩm quyền giải quyết',
  'Không đủ điều kiện theo quy định',
  'Người nộp không bổ sung hồ sơ trong thời hạn quy định',
  'Giấy tờ trong hồ sơ không hợp lệ',
  'Trùng với hồ sơ đã được giải quyết trước đó',
];
const WITHDRAW_REASONS = ['Người nộp hồ sơ đề nghị rút hồ sơ', 'Công dân rút hồ sơ để nộp lại sau', 'Doanh nghiệp không còn nhu cầu giải quyết'];
const TRANSFER_REASONS = ['Chuyển đến cơ quan có thẩm quyền giải quyết', 'Chuyển theo địa bàn cư trú của người nộp', 'Chuyển theo phân cấp giải quyết thủ tục'];
const APOLOGY_REASONS = [
  'Hồ sơ cần xác minh thêm thông tin',
  'Chờ ý kiến phối hợp của cơ quan liên quan',
  'Hệ thống phần mềm gặp sự cố',
  'Số lượng hồ sơ tăng đột biến',
  'Cán bộ xử lý chậm trễ',
];

const FEEDBACK_TOPICS: readonly { subject: string; content: (procedure: string | null) => string }[] = [
  { subject: 'Chậm trả kết quả hồ sơ', content: (p) => `Tôi đã nộp hồ sơ ${p ?? 'thủ tục hành chính'} nhưng đã quá hẹn mà chưa nhận được kết quả. Đề nghị cơ quan kiểm tra, trả lời.` },
  { subject: 'Yêu cầu bổ sung giấy tờ không đúng quy định', content: (p) => `Khi nộp hồ sơ ${p ?? ''} tôi bị yêu cầu bổ sung nhiều giấy tờ không có trong thành phần hồ sơ đã công bố.`.replace('  ', ' ') },
  { subject: 'Lỗi khi nộp hồ sơ trực tuyến', content: (p) => `Cổng dịch vụ công báo lỗi khi tôi nộp hồ sơ ${p ?? ''} trực tuyến, không tải được tệp đính kèm.`.replace('  ', ' ') },
  { subject: 'Không thanh toán được phí, lệ phí trực tuyến', content: (p) => `Tôi không thanh toán được lệ phí trực tuyến cho hồ sơ ${p ?? ''}, giao dịch bị trừ tiền nhưng hệ thống chưa ghi nhận.`.replace('  ', ' ') },
  { subject: 'Thái độ của cán bộ tiếp nhận', content: () => 'Cán bộ tại bộ phận một cửa hướng dẫn thiếu nhiệt tình, yêu cầu người dân đi lại nhiều lần.' },
  { subject: 'Đề nghị hướng dẫn thủ tục', content: (p) => `Đề nghị cơ quan hướng dẫn cụ thể thành phần hồ sơ và thời gian giải quyết thủ tục ${p ?? 'hành chính'}.` },
  { subject: 'Kiến nghị đơn giản hóa thủ tục', content: (p) => `Kiến nghị cắt giảm giấy tờ phải nộp đối với thủ tục ${p ?? 'hành chính'}, vì thông tin đã có trong cơ sở dữ liệu quốc gia về dân cư.` },
  { subject: 'Không nhận được thông báo kết quả', content: () => 'Hồ sơ đã có kết quả nhưng tôi không nhận được tin nhắn hay thư điện tử thông báo.' },
];
const FEEDBACK_ANSWERS = [
  'Cơ quan đã kiểm tra, hồ sơ đã được giải quyết và trả kết quả. Xin cảm ơn ông/bà đã phản ánh.',
  'Cơ quan đã chấn chỉnh cán bộ liên quan và xin lỗi ông/bà về sự bất tiện.',
  'Thành phần hồ sơ được thực hiện theo quyết định công bố thủ tục hành chính; cơ quan đã hướng dẫn lại cho ông/bà.',
  'Lỗi hệ thống đã được khắc phục; đề nghị ông/bà thực hiện lại thao tác nộp hồ sơ.',
  'Kiến nghị của ông/bà đã được tổng hợp, gửi cơ quan có thẩm quyền xem xét sửa đổi quy định.',
];

// ---------------------------------------------------------------------------------------------
// Setup: agencies, procedures, eras
// ---------------------------------------------------------------------------------------------

interface ProcInfo {
  p: Procedure;
  field: FieldInfo;
  onlineAllowed: boolean;
  feeBearing: boolean;
}

interface AgencyInfo {
  agency: Agency;
  hours: OfficeHours;
  officeStartMs: number;
  officeEndMs: number;
  dayMinutes: number;
  rootCode: string;
  /** Province of the applicants' addresses and IDs; null for ministries (anywhere). */
  province: { name: string; gso: string } | null;
  locality: string | null;
  profile: AgencyProfile;
  officers: number;
  intrinsic: number;
  procedures: WeightedPicker<ProcInfo> | null;
  onlineProcedures: WeightedPicker<ProcInfo> | null;
  commitments: Map<number, ServiceCommitment[]>;
  seq: Map<number, number>;
}

interface Era {
  picker: WeightedPicker<AgencyInfo>;
  byRoot: Map<string, AgencyInfo[]>;
  roots: AgencyInfo[];
}

const OFFICERS: Record<AgencyKind, number> = {
  [AgencyKind.MINISTRY]: 12,
  [AgencyKind.PROVINCE]: 10,
  [AgencyKind.DEPARTMENT]: 6,
  [AgencyKind.DISTRICT]: 5,
  [AgencyKind.COMMUNE]: 3,
};

/** Shares of a province's dossiers by kind of unit (renormalised over the kinds it has). */
const UNIT_SHARES: Record<string, number> = {
  [AgencyKind.PROVINCE]: 0.05,
  [AgencyKind.DEPARTMENT]: 0.4,
  [AgencyKind.DISTRICT]: 0.25,
  [AgencyKind.COMMUNE]: 0.3,
};

function provinceOf(code: string): { name: string; gso: string } | null {
  const old = PROVINCES_BEFORE_REFORM.find((p) => p.code === code);
  if (old) return { name: old.name, gso: old.gso };
  const merged = MERGED_PROVINCES.find((p) => p.code === code);
  if (merged) return { name: merged.name, gso: PROVINCES_BEFORE_REFORM.find((p) => p.code === merged.members[0])!.gso };
  return null;
}

function intrinsicWeight(agency: Agency, rng: Rng): number {
  switch (agency.kind) {
    case AgencyKind.DEPARTMENT:
      return DEPARTMENTS.find((d) => agency.code.endsWith(`-${d.key}`))?.weight ?? 0.5;
    case AgencyKind.DISTRICT:
      return (agency.name.startsWith('Quận') || agency.name.startsWith('Thành phố') ? 1.6 : 1) * rng.float(0.6, 1.4);
    case AgencyKind.COMMUNE:
      return (agency.name.startsWith('Phường') ? 1.3 : 1) * rng.float(0.6, 1.4);
    default:
      return 1;
  }
}

class SeedContext {
  readonly infos: AgencyInfo[];
  readonly infoById = new Map<number, AgencyInfo>();
  private readonly breakpoints: string[];
  private readonly eras = new Map<number, Era>();
  private readonly infoByCode = new Map<string, AgencyInfo>();
  private readonly rootMass = new Map<string, number>();

  constructor(
    readonly calendar: WorkingCalendar,
    agencies: readonly Agency[],
    catalogue: ProcedureCatalogue,
    rng: Rng,
  ) {
    const popularity = rng.fork('popularity');
    const procInfo = new Map<number, { info: ProcInfo; weight: number }>();
    for (const p of catalogue.procedures) {
      const field = FIELDS[p.field] ?? { ministry: '', popularity: 1, feeShare: 0.5, fullOnline: 0.5, business: 0.2 };
      procInfo.set(p.databaseId, {
        info: { p, field, onlineAllowed: p.onlineLevel !== OnlineLevel.NONE, feeBearing: p.feeVnd > 0 },
        weight: field.popularity * popularity.float(0.3, 1.7),
      });
    }
    const commitmentsByAgency = new Map<number, Map<number, ServiceCommitment[]>>();
    for (const c of catalogue.commitments) {
      let m = commitmentsByAgency.get(c.agencyId);
      if (!m) commitmentsByAgency.set(c.agencyId, (m = new Map()));
      m.set(c.procedureId, [...(m.get(c.procedureId) ?? []), c]);
    }

    const profiles = rng.fork('profiles');
    const intrinsic = rng.fork('intrinsic');
    const rootProfiles = new Map<string, AgencyProfile>();
    this.infos = agencies.map((agency) => {
      const rootCode = rootCodeOf(agency);
      let root = rootProfiles.get(rootCode);
      if (!root) {
        root = { ...baseProfile(profiles.fork(rootCode)), ...PROFILE_OVERRIDES[rootCode] };
        rootProfiles.set(rootCode, root);
      }
      const profile = agency.code === rootCode ? root : { ...jitter(root, profiles.fork(agency.code)), ...PROFILE_OVERRIDES[agency.code] };
      const hours: OfficeHours = agency.officeStart && agency.officeEnd ? { start: agency.officeStart, end: agency.officeEnd } : calendar.officeHours;
      const officeStartMs = parseLocalTime(hours.start);
      const officeEndMs = parseLocalTime(hours.end);
      const linked = (catalogue.byAgency.get(agency.databaseId) ?? []).map((p) => procInfo.get(p.databaseId)!);
      const online = linked.filter((x) => x.info.onlineAllowed);
      const info: AgencyInfo = {
        agency,
        hours,
        officeStartMs,
        officeEndMs,
        dayMinutes: (officeEndMs - officeStartMs) / MINUTE_MS,
        rootCode,
        province: provinceOf(rootCode),
        locality: agency.kind === AgencyKind.COMMUNE || agency.kind === AgencyKind.DISTRICT ? agency.name : null,
        profile,
        officers: OFFICERS[agency.kind],
        intrinsic: intrinsicWeight(agency, intrinsic),
        procedures: linked.length ? new WeightedPicker(linked.map((x) => x.info), linked.map((x) => x.weight)) : null,
        onlineProcedures: online.length ? new WeightedPicker(online.map((x) => x.info), online.map((x) => x.weight)) : null,
        commitments: commitmentsByAgency.get(agency.databaseId) ?? new Map(),
        seq: new Map(),
      };
      this.infoById.set(agency.databaseId, info);
      this.infoByCode.set(agency.code, info);
      return info;
    });

    const dates = new Set<string>();
    for (const a of agencies) {
      if (a.validFrom) dates.add(a.validFrom);
      if (a.validTo) dates.add(a.validTo);
    }
    this.breakpoints = [...dates].sort();

    const totalMinistry = MINISTRIES.reduce((s, m) => s + m.weight, 0);
    const totalPopulation = PROVINCES_BEFORE_REFORM.reduce((s, p) => s + p.population, 0);
    for (const m of MINISTRIES) this.rootMass.set(m.code, (MINISTRY_SHARE * m.weight) / totalMinistry);
    for (const p of PROVINCES_BEFORE_REFORM) this.rootMass.set(p.code, ((1 - MINISTRY_SHARE) * p.population) / totalPopulation);
  }

  /** The agencies that exist on a local date, with their share of that day's dossiers. */
  eraOn(localDate: string): Era {
    let index = 0;
    while (index < this.breakpoints.length && this.breakpoints[index] <= localDate) index++;
    let era = this.eras.get(index);
    if (!era) {
      era = this.buildEra(index === 0 ? '0000-01-01' : this.breakpoints[index - 1]);
      this.eras.set(index, era);
    }
    return era;
  }

  private buildEra(date: string): Era {
    const valid = this.infos.filter((i) => isValidOn(i.agency, date));
    const byRoot = new Map<string, AgencyInfo[]>();
    for (const info of valid) {
      const list = byRoot.get(info.rootCode);
      if (list) list.push(info);
      else byRoot.set(info.rootCode, [info]);
    }
    // Mass of each root, folded into successors where a root no longer exists (mergers).
    const mass = new Map<string, number>();
    for (const [code, m] of this.rootMass) {
      let info = this.infoByCode.get(code);
      for (let guard = 0; info && !isValidOn(info.agency, date) && guard < 10; guard++) {
        info = info.agency.successorId ? this.infoById.get(info.agency.successorId) : undefined;
      }
      if (info) mass.set(info.agency.code, (mass.get(info.agency.code) ?? 0) + m);
    }
    const items: AgencyInfo[] = [];
    const weights: number[] = [];
    for (const [rootCode, members] of byRoot) {
      const m = mass.get(rootCode) ?? 0;
      if (m <= 0) continue;
      const receiving = members.filter((i) => i.procedures !== null);
      const groups = new Map<AgencyKind, AgencyInfo[]>();
      for (const i of receiving) groups.set(i.agency.kind, [...(groups.get(i.agency.kind) ?? []), i]);
      const shareTotal = [...groups.keys()].reduce((s, k) => s + (k === AgencyKind.MINISTRY ? 1 : UNIT_SHARES[k]), 0);
      for (const [kind, group] of groups) {
        const share = (kind === AgencyKind.MINISTRY ? 1 : UNIT_SHARES[kind]) / shareTotal;
        const intrinsicTotal = group.reduce((s, i) => s + i.intrinsic, 0);
        for (const i of group) {
          items.push(i);
          weights.push((m * share * i.intrinsic) / intrinsicTotal);
        }
      }
    }
    return { picker: new WeightedPicker(items, weights), byRoot, roots: valid.filter((i) => i.agency.parentId === null) };
  }

  /** The agency of a code, if the catalogue has it. */
  infoOf(code: string): AgencyInfo | undefined {
    return this.infoByCode.get(code);
  }

  /** The deadline receipt fixes for a dossier of a procedure at an agency, as the API's receipt fixes it. */
  receipt(info: AgencyInfo, proc: ProcInfo, receivedAt: Date): DueAtReceipt {
    return dueAtReceipt({ calendar: this.calendar, receivedAt, processingDays: proc.p.processingDays, hours: info.hours, commitments: info.commitments.get(proc.p.databaseId) ?? [] });
  }
}

// ---------------------------------------------------------------------------------------------
// One dossier
// ---------------------------------------------------------------------------------------------

interface Draft {
  info: AgencyInfo;
  proc: ProcInfo;
  channel: DossierChannel;
  at: number;
}

interface Step {
  kind: DossierEventKind;
  from: DossierStatus | null;
  to: DossierStatus;
  at: number;
  actor: string;
  reason: string | null;
  details: Record<string, unknown> | null;
  /** Office minutes of a clock stop this step ended. */
  waited?: number;
}

interface GeneratedDossier {
  /** Dossier columns after the id (DOSSIER_COLUMNS order). */
  row: unknown[];
  steps: Step[];
  agencyId: number;
  rating: [SatisfactionLevel, number] | null;
  status: DossierStatus;
}

/** Rows of one chunk, ids assigned: what one transaction inserts. */
interface Chunk {
  dossiers: unknown[][];
  events: unknown[][];
  ratings: unknown[][];
  statuses: DossierStatus[];
}

const DAY_MS = 86_400_000;
const isoDayPrefix = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** ISO-8601 UTC text of an epoch-millisecond instant (Date#toISOString is a hot spot at a million rows). */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = isoDayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDayPrefix.set(day, prefix);
  }
  let rest = Math.round(ms) - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

interface Applicant {
  business: boolean;
  applicantName: string;
  applicantId: string;
  phone: string | null;
  address: string | null;
}

/** A dossier row's values past its identity, receipt and applicant (see DossierFactory.row). */
interface RowValues {
  processingDays: number;
  baseDueMs: number;
  dueAt: Date;
  pausedMinutes: number;
  supplementRequestedAt?: number | null;
  completedAt?: number | null;
  resultReturnedAt?: number | null;
  timeliness?: Timeliness | null;
  digitized: boolean;
  reused: boolean;
  electronicResult?: boolean;
  paidOnline: boolean;
  synced: boolean;
  transferredIn?: boolean;
  apologyAt?: number | null;
  appointment?: string | null;
  rejectionReason?: string | null;
  transferredToId?: number | null;
  closedAt?: number | null;
  historyComplete: boolean;
  updatedMs: number;
  overdueAlertedAt?: string | null;
}

const EXITS: Record<string, { to: DossierStatus; reasons: readonly string[] }> = {
  [DossierEventKind.WITHDRAWN]: { to: DossierStatus.WITHDRAWN, reasons: WITHDRAW_REASONS },
  [DossierEventKind.REJECTED]: { to: DossierStatus.REJECTED, reasons: REJECT_REASONS },
  [DossierEventKind.TRANSFERRED]: { to: DossierStatus.TRANSFERRED, reasons: TRANSFER_REASONS },
};

const OPEN = new Set([DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT]);

/**
 * `overdue_alerted_at` of a dossier open and past due at the demo's "now" (its clock running):
 * the scanner raised its DOSSIER_OVERDUE within a second of the due time, in the demo's past, so
 * a first start does not raise the whole backlog at once; dossiers falling due later are alerted live.
 */
function pastAlert(status: DossierStatus, dueMs: number, supplementRequestedAt: number | null, nowMs: number): string | null {
  if (!OPEN.has(status) || dueMs >= nowMs) return null;
  const clockStopped = status === DossierStatus.AWAITING_SUPPLEMENT && supplementRequestedAt !== null && supplementRequestedAt <= dueMs;
  return clockStopped ? null : iso(dueMs);
}

class DossierFactory {
  constructor(
    private readonly ctx: SeedContext,
    private readonly rng: Rng,
    private readonly nowMs: number,
  ) {}

  private get calendar() {
    return this.ctx.calendar;
  }

  private officer(info: AgencyInfo): string {
    return `officer-${info.agency.code}-${String(this.rng.int(1, info.officers)).padStart(2, '0')}`;
  }

  /** An instant moved later by office minutes of the agency's hours. */
  private add(info: AgencyInfo, ms: number, minutes: number): number {
    return this.calendar.addWorkingMinutes(new Date(ms), minutes, info.hours).getTime();
  }

  private between(info: AgencyInfo, from: number, to: number): number {
    return this.calendar.workingMinutesBetween(new Date(from), new Date(to), info.hours);
  }

  /** Another agency that exists on a local date: in the same province if it has units, else another root. */
  private otherAgency(info: AgencyInfo, localDate: string): AgencyInfo {
    const era = this.ctx.eraOn(localDate);
    const siblings = (era.byRoot.get(info.rootCode) ?? []).filter((i) => i !== info);
    return this.rng.pick(siblings.length ? siblings : era.roots.filter((i) => i !== info && i.agency.kind === info.agency.kind));
  }

  private previousWorkingDay(day: number): number {
    let d = day - 1;
    while (!this.calendar.isWorkingDayNumber(d)) d--;
    return d;
  }

  /** When a dossier processed since `t` and due at `dueMs` completes, aiming at a timeliness class. */
  private planCompletion(info: AgencyInfo, t: number, dueMs: number): number {
    const rng = this.rng;
    const target = rng.chance(info.profile.late) ? Timeliness.LATE : rng.chance(info.profile.onTime) ? Timeliness.ON_TIME : Timeliness.EARLY;
    const dueDay = localDayNumberOf(new Date(dueMs));
    if (target === Timeliness.EARLY) {
      const lastEarly = this.calendar.officeEndOfDayNumber(this.previousWorkingDay(dueDay), info.hours).getTime();
      if (lastEarly > t) {
        const available = this.between(info, t, lastEarly);
        // Most dossiers finish well ahead; a few close to the last early day.
        if (available >= 1) return this.add(info, t, Math.max(1, available * Math.pow(rng.next(), 1.4)));
      }
    }
    if (target !== Timeliness.LATE) {
      const lo = Math.max(t, this.calendar.atDayNumber(dueDay, info.officeStartMs).getTime());
      if (lo < dueMs) {
        const available = this.between(info, lo, dueMs);
        if (available >= 1) return this.add(info, lo, Math.max(1, available * rng.next()));
      }
    }
    const lateBy = rng.chance(0.7) ? rng.int(10, info.dayMinutes * 2) : rng.int(info.dayMinutes * 2, info.dayMinutes * 15);
    return this.add(info, dueMs, lateBy);
  }

  /** A dossier's columns after the id, in DOSSIER_COLUMNS order; what `v` leaves out is null or false. */
  private row(code: string, proc: ProcInfo, info: AgencyInfo, channel: DossierChannel, status: DossierStatus, a: Applicant, receivedMs: number, v: RowValues): unknown[] {
    const at = (ms: number | null | undefined) => (ms == null ? null : iso(ms));
    return [
      code,
      proc.p.databaseId,
      info.agency.databaseId,
      channel,
      status,
      a.business ? ApplicantKind.BUSINESS : ApplicantKind.CITIZEN,
      a.applicantName,
      a.applicantId,
      a.phone,
      a.address,
      hashLookupSecret(demoLookupSecret(code)),
      iso(receivedMs),
      v.processingDays,
      iso(v.baseDueMs),
      v.dueAt.toISOString(),
      v.pausedMinutes,
      at(v.supplementRequestedAt),
      at(v.completedAt),
      at(v.resultReturnedAt),
      v.timeliness ?? null,
      v.digitized,
      v.reused,
      v.electronicResult ?? false,
      v.paidOnline,
      v.synced,
      v.transferredIn ?? false,
      at(v.apologyAt),
      v.appointment ?? null,
      v.rejectionReason ?? null,
      v.transferredToId ?? null,
      at(v.closedAt),
      v.historyComplete,
      1,
      iso(receivedMs),
      iso(v.updatedMs),
      v.overdueAlertedAt ?? null,
    ];
  }

  /** The applicant: a citizen or a business, mostly of the agency's province. */
  private applicant(info: AgencyInfo, proc: ProcInfo): Applicant {
    const rng = this.rng;
    const province = info.province ?? provinceOf(rng.pick(PROVINCES_BEFORE_REFORM).code)!;
    const gso = rng.chance(0.85) ? province.gso : rng.pick(PROVINCES_BEFORE_REFORM).gso;
    const business = rng.chance(proc.field.business);
    let applicantName: string;
    let applicantId: string;
    if (business) {
      applicantName = businessName(rng);
      applicantId = enterpriseCode(rng, gso);
    } else {
      const person = personName(rng);
      applicantName = person.name;
      applicantId = citizenId(rng, person, gso);
    }
    const phone = rng.chance(0.95) ? mobilePhone(rng) : null;
    const address = rng.chance(0.97) ? streetAddress(rng, info.locality, province.name) : null;
    return { business, applicantName, applicantId, phone, address };
  }

  /**
   * A dossier in progress that falls due `offsetMinutes` of office time after the demo's "now":
   * received a few working days before, being processed, its clock stopped for a supplement that
   * came back before now, so that its due time (moved by the time waited, as resumeDossier
   * moves it) lands just after now. Null when no receipt in the last weeks gives such a history.
   */
  createLive(info: AgencyInfo, proc: ProcInfo, code: string, offsetMinutes: number): GeneratedDossier | null {
    const { calendar, rng, nowMs } = this;
    const targetMs = this.add(info, nowMs, offsetMinutes);
    let day = localDayNumberOf(new Date(nowMs));
    for (let attempt = 0; attempt < 30; attempt++) {
      day = this.previousWorkingDay(day);
      const r = calendar.atDayNumber(day, info.officeStartMs + rng.int(5, 150) * MINUTE_MS).getTime();
      const receivedAt = new Date(r);
      const { dueAt: baseDue, processingDays } = this.ctx.receipt(info, proc, receivedAt);
      const baseDueMs = baseDue.getTime();
      if (baseDueMs > nowMs) continue;
      const effective = calendar.effectiveReceipt(receivedAt, info.hours).getTime();
      const startAt = this.add(info, effective, rng.int(5, 60));
      // The supplement is asked early enough to be back before now, however long it waited.
      const room = this.between(info, startAt, baseDueMs) - offsetMinutes - 30;
      if (room < 10) continue;
      const requestedAt = this.add(info, startAt, Math.floor(room * rng.float(0.2, 0.9)));
      const resumedAt = this.add(info, requestedAt, Math.ceil(this.between(info, baseDueMs, targetMs)));
      if (resumedAt > nowMs || resumedAt <= requestedAt) continue;
      const waited = Math.round(this.between(info, requestedAt, resumedAt));
      const dueAt = extendForClockStop(baseDue, waited, calendar, info.hours);
      if (dueAt.getTime() <= nowMs) continue;

      const handler = this.officer(info);
      const steps: Step[] = [
        { kind: DossierEventKind.RECEIVED, from: null, to: DossierStatus.RECEIVED, at: r, actor: this.officer(info), reason: null, details: null },
        { kind: DossierEventKind.PROCESSING_STARTED, from: DossierStatus.RECEIVED, to: DossierStatus.PROCESSING, at: startAt, actor: handler, reason: null, details: null },
        { kind: DossierEventKind.SUPPLEMENT_REQUESTED, from: DossierStatus.PROCESSING, to: DossierStatus.AWAITING_SUPPLEMENT, at: requestedAt, actor: handler, reason: rng.pick(SUPPLEMENT_REASONS), details: null },
        { kind: DossierEventKind.RESUMED, from: DossierStatus.AWAITING_SUPPLEMENT, to: DossierStatus.PROCESSING, at: resumedAt, actor: handler, reason: null, details: { waitedWorkingMinutes: waited, dueAt: dueAt.toISOString() }, waited },
      ];
      return this.inProgress(info, proc, code, processingDays, baseDueMs, dueAt, steps);
    }
    return null;
  }

  /** An online dossier being processed after `steps` (its last one a step in PROCESSING), as a row. */
  private inProgress(info: AgencyInfo, proc: ProcInfo, code: string, processingDays: number, baseDueMs: number, dueAt: Date, steps: Step[]): GeneratedDossier {
    const status = DossierStatus.PROCESSING;
    const row = this.row(code, proc, info, DossierChannel.ONLINE, status, this.applicant(info, proc), steps[0].at, {
      processingDays,
      baseDueMs,
      dueAt,
      pausedMinutes: steps.reduce((sum, s) => sum + (s.waited ?? 0), 0),
      digitized: true,
      reused: this.rng.chance(info.profile.reuse),
      paidOnline: proc.feeBearing && proc.p.acceptsOnlinePayment && this.rng.chance(info.profile.payOnline),
      synced: true,
      historyComplete: isHistoryComplete(status, steps.map((s) => s.kind)),
      updatedMs: steps[steps.length - 1].at,
      overdueAlertedAt: pastAlert(status, dueAt.getTime(), null, this.nowMs),
    });
    return { row, steps, agencyId: info.agency.databaseId, rating: null, status };
  }

  /**
   * A dossier in progress past its due time by at least `days` working days at the demo's "now":
   * received, being processed, never completed; alerted overdue in the demo's past (pastAlert).
   */
  createOverdue(info: AgencyInfo, proc: ProcInfo, code: string, days: number): GeneratedDossier | null {
    const { calendar, rng, nowMs } = this;
    let dueDay = localDayNumberOf(new Date(nowMs));
    for (let i = 0; i < days; i++) dueDay = this.previousWorkingDay(dueDay);
    const latestDueMs = calendar.officeEndOfDayNumber(dueDay, info.hours).getTime();
    let day = dueDay + 1;
    for (let attempt = 0; attempt < 40; attempt++) {
      day = this.previousWorkingDay(day);
      const r = calendar.atDayNumber(day, info.officeStartMs + rng.int(5, 150) * MINUTE_MS).getTime();
      const { dueAt, processingDays } = this.ctx.receipt(info, proc, new Date(r));
      if (dueAt.getTime() > latestDueMs) continue;
      const startAt = this.add(info, calendar.effectiveReceipt(new Date(r), info.hours).getTime(), rng.int(5, 60));
      if (startAt >= dueAt.getTime()) continue;
      const handler = this.officer(info);
      const steps: Step[] = [
        { kind: DossierEventKind.RECEIVED, from: null, to: DossierStatus.RECEIVED, at: r, actor: this.officer(info), reason: null, details: null },
        { kind: DossierEventKind.PROCESSING_STARTED, from: DossierStatus.RECEIVED, to: DossierStatus.PROCESSING, at: startAt, actor: handler, reason: null, details: null },
      ];
      return this.inProgress(info, proc, code, processingDays, dueAt.getTime(), dueAt, steps);
    }
    return null;
  }

  create(d: Draft): GeneratedDossier {
    const { info, proc, channel } = d;
    const r = d.at;
    const receivedAt = new Date(r);
    const localDate = formatDayNumber(localDayNumberOf(receivedAt));
    const code = this.nextCode(info, localDate);
    const { dueAt: baseDue, processingDays } = this.ctx.receipt(info, proc, receivedAt);
    const plan = this.plan(d, baseDue, localDate);
    const exit = this.cutByExit(info, plan, r);

    // --- what has happened by "now" --------------------------------------------------------
    let kept = exit.kept;
    if (kept[kept.length - 1].at > this.nowMs) kept = kept.filter((s) => s.at <= this.nowMs);
    const transferredTo = kept.some((s) => s.kind === DossierEventKind.TRANSFERRED) ? exit.transferredTo : null;
    const last = kept[kept.length - 1];
    const status = last.to;
    const state = stateAfter(kept);
    const dueAt = state.pausedMinutes > 0 ? extendForClockStop(baseDue, state.pausedMinutes, this.calendar, info.hours) : baseDue;
    const { completedAt } = state;
    const timeliness = completedAt !== null ? classifyTimeliness({ dueAt, completedAt: new Date(completedAt), now: new Date(this.nowMs) }) : null;
    if (completedAt !== null) kept.find((s) => s.kind === DossierEventKind.COMPLETED)!.details = { electronicResult: plan.electronic, timeliness };
    const apology = state.apologyAt === null ? this.lateApology(info, status, last, dueAt, plan.handler) : null;
    if (apology) {
      kept.push(apology);
      state.apologyAt = apology.at;
      state.appointment = apology.details!.newAppointmentAt as string;
    }

    const flags = this.flags(info, proc, channel);
    const applicant = this.applicant(info, proc);
    const rating = this.rating(info, completedAt, timeliness);
    const events = this.recordedHistory(info, status, kept);

    const row = this.row(code, proc, info, channel, status, applicant, r, {
      processingDays,
      baseDueMs: baseDue.getTime(),
      dueAt,
      pausedMinutes: state.pausedMinutes,
      supplementRequestedAt: status === DossierStatus.AWAITING_SUPPLEMENT ? state.lastRequest : null,
      completedAt,
      resultReturnedAt: state.resultReturnedAt,
      timeliness,
      ...flags,
      electronicResult: completedAt !== null && plan.electronic,
      transferredIn: plan.transferredIn,
      apologyAt: state.apologyAt,
      appointment: state.appointment,
      rejectionReason: state.rejectionReason,
      transferredToId: transferredTo?.agency.databaseId ?? null,
      closedAt: state.closedAt,
      historyComplete: isHistoryComplete(status, events.map((e) => e.kind)),
      updatedMs: kept[kept.length - 1].at,
      overdueAlertedAt: pastAlert(status, dueAt.getTime(), state.lastRequest, this.nowMs),
    });
    return { row, steps: events, agencyId: info.agency.databaseId, rating, status };
  }

  /** The dossier code an agency gives its next receipt of the year (G22.<agency>.<yy>-<nnnnnn>). */
  private nextCode(info: AgencyInfo, localDate: string): string {
    const year = Number(localDate.slice(2, 4));
    const seq = (info.seq.get(year) ?? 0) + 1;
    info.seq.set(year, seq);
    return `G22.${info.agency.code}.${localDate.slice(2, 4)}-${String(seq).padStart(6, '0')}`;
  }

  /** What would happen with no exit and no "now": receipt, start, supplements, then completion and return unless stuck. */
  private plan(d: Draft, baseDue: Date, localDate: string): Plan {
    const { info, channel } = d;
    const { rng, calendar } = this;
    const prof = info.profile;
    const r = d.at;
    const baseDueMs = baseDue.getTime();
    const effective = calendar.effectiveReceipt(new Date(r), info.hours).getTime();
    const receiver = this.officer(info);
    const handler = this.officer(info);
    const steps: Step[] = [];
    const transferredIn = rng.chance(prof.transferIn);
    let transferredFrom: string | null = null;
    if (transferredIn) {
      transferredFrom = this.otherAgency(info, localDate).agency.code;
    }
    steps.push({ kind: DossierEventKind.RECEIVED, from: null, to: DossierStatus.RECEIVED, at: r, actor: receiver, reason: null, details: transferredFrom ? { transferredFrom } : null });

    const planned = this.between(info, effective, baseDueMs);
    const startAt = this.add(info, effective, Math.min(channel === DossierChannel.IN_PERSON ? rng.int(1, 20) : rng.int(10, 480), Math.max(1, Math.floor(planned * 0.25))));
    steps.push({ kind: DossierEventKind.PROCESSING_STARTED, from: DossierStatus.RECEIVED, to: DossierStatus.PROCESSING, at: startAt, actor: handler, reason: null, details: null });

    const stuck = rng.chance(prof.stuck);
    const { t, dueMs } = this.planSupplements(info, handler, startAt, baseDue, stuck, steps);
    const electronic = rng.chance(prof.eResult);
    const completeAt = stuck ? null : this.planResult(info, receiver, handler, t, dueMs, electronic, steps);
    return { steps, handler, transferredIn, startAt, dueMs, completeAt, electronic };
  }

  /**
   * Zero, one or two requests for a supplement, each a clock stop that moves the due time
   * (a stuck dossier's applicant may never come back). Returns when processing last resumed
   * and the due time then.
   */
  private planSupplements(info: AgencyInfo, handler: string, startAt: number, baseDue: Date, stuck: boolean, steps: Step[]): { t: number; dueMs: number } {
    const { rng, calendar } = this;
    const prof = info.profile;
    let t = startAt;
    let dueMs = baseDue.getTime();
    let paused = 0;
    const rounds = rng.chance(prof.supplement) ? (rng.chance(0.15) ? 2 : 1) : 0;
    for (let round = 0; round < rounds; round++) {
      const window = this.between(info, t, dueMs);
      if (window < 30) break;
      const requestedAt = this.add(info, t, Math.max(1, window * rng.float(0.05, 0.6)));
      steps.push({ kind: DossierEventKind.SUPPLEMENT_REQUESTED, from: DossierStatus.PROCESSING, to: DossierStatus.AWAITING_SUPPLEMENT, at: requestedAt, actor: handler, reason: rng.pick(SUPPLEMENT_REASONS), details: null });
      t = requestedAt;
      if (stuck && rng.chance(0.4)) break; // the applicant never comes back
      const resumedAt = this.add(info, requestedAt, rng.int(Math.round(info.dayMinutes * 0.3), info.dayMinutes * 8));
      const waited = Math.round(this.between(info, requestedAt, resumedAt));
      paused += waited;
      dueMs = extendForClockStop(baseDue, paused, calendar, info.hours).getTime();
      steps.push({ kind: DossierEventKind.RESUMED, from: DossierStatus.AWAITING_SUPPLEMENT, to: DossierStatus.PROCESSING, at: resumedAt, actor: handler, reason: null, details: { waitedWorkingMinutes: waited, dueAt: iso(dueMs) }, waited });
      t = resumedAt;
    }
    return { t, dueMs };
  }

  /** Completion (after an apology where the delay is foreseen) and, mostly, the result returned. Returns when it completes. */
  private planResult(info: AgencyInfo, receiver: string, handler: string, t: number, dueMs: number, electronic: boolean, steps: Step[]): number {
    const { rng, calendar } = this;
    const prof = info.profile;
    const completeAt = this.planCompletion(info, t, dueMs);
    if (completeAt > dueMs && rng.chance(prof.apology)) {
      // The delay is foreseen: an apology with a new appointment before the result.
      const span = this.between(info, t, completeAt);
      if (span >= 2) {
        const apologyAt = this.add(info, t, Math.max(1, span * rng.float(0.5, 0.95)));
        const appointment = calendar.officeEndOfDayNumber(calendar.addWorkingDaysNumber(localDayNumberOf(new Date(completeAt)), rng.int(0, 2)), info.hours).getTime();
        steps.push({ kind: DossierEventKind.APOLOGY_ISSUED, from: DossierStatus.PROCESSING, to: DossierStatus.PROCESSING, at: apologyAt, actor: handler, reason: rng.pick(APOLOGY_REASONS), details: { newAppointmentAt: iso(appointment) } });
      }
    }
    steps.push({ kind: DossierEventKind.COMPLETED, from: DossierStatus.PROCESSING, to: DossierStatus.COMPLETED, at: completeAt, actor: handler, reason: null, details: { electronicResult: electronic } });
    if (!rng.chance(prof.neverReturned)) {
      const returnedAt = this.add(info, completeAt, electronic ? rng.int(1, 120) : rng.int(30, info.dayMinutes * 3));
      steps.push({ kind: DossierEventKind.RESULT_RETURNED, from: DossierStatus.COMPLETED, to: DossierStatus.RESULT_RETURNED, at: returnedAt, actor: receiver, reason: null, details: null });
    }
    return completeAt;
  }

  /** An exit (withdrawn, rejected, transferred) cuts the plan; most dossiers have none. */
  private cutByExit(info: AgencyInfo, plan: Plan, r: number): { kept: Step[]; transferredTo: AgencyInfo | null } {
    const rng = this.rng;
    const prof = info.profile;
    const { steps, startAt, handler } = plan;
    const u = rng.next();
    const exit =
      u < prof.withdraw ? DossierEventKind.WITHDRAWN : u < prof.withdraw + prof.reject ? DossierEventKind.REJECTED : u < prof.withdraw + prof.reject + prof.transfer ? DossierEventKind.TRANSFERRED : null;
    if (!exit) return { kept: steps, transferredTo: null };
    let transferredTo: AgencyInfo | null = null;
    const end = plan.completeAt ?? this.add(info, plan.dueMs, info.dayMinutes * 5);
    const x =
      exit === DossierEventKind.REJECTED && rng.chance(0.3)
        ? r + Math.max(1, Math.floor((startAt - r) * rng.float(0.2, 0.9))) // refused at the counter
        : this.add(info, startAt, Math.max(1, this.between(info, startAt, end) * rng.float(0.05, 0.95)));
    const kept = steps.filter((s) => s.at < x);
    const last = kept[kept.length - 1];
    const { to, reasons } = EXITS[exit];
    const step: Step = { kind: exit, from: last.to, to, at: x, actor: handler, reason: rng.pick(reasons), details: null };
    if (exit === DossierEventKind.TRANSFERRED) {
      transferredTo = this.otherAgency(info, formatDayNumber(localDayNumberOf(new Date(x))));
      step.details = { toAgencyCode: transferredTo.agency.code };
    }
    if (last.to === DossierStatus.AWAITING_SUPPLEMENT) {
      // Leaving a clock stop any other way also ends it (as the API does).
      step.waited = Math.round(this.between(info, last.at, x));
      step.details = { ...step.details, waitedWorkingMinutes: step.waited };
    }
    kept.push(step);
    return { kept, transferredTo };
  }

  /** Open and past due: most agencies send the apology letter, after the fact. The step, or null. */
  private lateApology(info: AgencyInfo, status: DossierStatus, last: Step, dueAt: Date, handler: string): Step | null {
    const { rng, calendar } = this;
    if (!(OPEN.has(status) && dueAt.getTime() < this.nowMs && rng.chance(info.profile.apology))) return null;
    const dueDay = localDayNumberOf(dueAt);
    const lo = Math.max(last.at, calendar.atDayNumber(dueDay, info.officeStartMs).getTime());
    const span = Math.min(this.between(info, lo, this.nowMs), info.dayMinutes * 5);
    if (span < 1) return null;
    const at = this.add(info, lo, Math.max(1, span * rng.next()));
    if (!(at <= this.nowMs && at > last.at)) return null;
    const from = Math.max(at, dueAt.getTime());
    const newAppointment = calendar.officeEndOfDayNumber(calendar.addWorkingDaysNumber(localDayNumberOf(new Date(from)), rng.int(3, 10)), info.hours).getTime();
    return { kind: DossierEventKind.APOLOGY_ISSUED, from: status, to: status, at, actor: handler, reason: rng.pick(APOLOGY_REASONS), details: { newAppointmentAt: iso(newAppointment) } };
  }

  /** The flags the index counts: digitized at receipt, reused data, fee paid online, synced to the national portal. */
  private flags(info: AgencyInfo, proc: ProcInfo, channel: DossierChannel): { digitized: boolean; reused: boolean; paidOnline: boolean; synced: boolean } {
    const rng = this.rng;
    const prof = info.profile;
    const online = channel === DossierChannel.ONLINE;
    const digitized = online ? rng.chance(0.98) : rng.chance(prof.digitized);
    const reused = online && rng.chance(prof.reuse);
    const paidOnline = proc.feeBearing && proc.p.acceptsOnlinePayment && rng.chance(online ? prof.payOnline : 0.1);
    const synced = rng.chance(prof.sync);
    return { digitized, reused, paidOnline, synced };
  }

  /** The applicant's rating of a completed dossier, if any (a late one pleases fewer): level and when. */
  private rating(info: AgencyInfo, completedAt: number | null, timeliness: Timeliness | null): [SatisfactionLevel, number] | null {
    const rng = this.rng;
    const prof = info.profile;
    if (completedAt === null || !rng.chance(prof.rated)) return null;
    const ratedAt = this.add(info, completedAt, rng.int(5, info.dayMinutes * 5));
    if (ratedAt > this.nowMs) return null;
    const satisfied = timeliness === Timeliness.LATE ? prof.satisfied - 0.35 : prof.satisfied;
    const x = rng.next();
    const level =
      x < satisfied * 0.55 ? SatisfactionLevel.VERY_SATISFIED : x < satisfied ? SatisfactionLevel.SATISFIED : x < satisfied + (1 - satisfied) * 0.6 ? SatisfactionLevel.NEUTRAL : SatisfactionLevel.UNSATISFIED;
    return [level, ratedAt];
  }

  /**
   * History as recorded: a small share of agencies' systems lose a step, one the status
   * requires, so that the loss shows (docs/INDEX_METHOD.md electronicTracking).
   */
  private recordedHistory(info: AgencyInfo, status: DossierStatus, kept: Step[]): Step[] {
    const rng = this.rng;
    if (rng.chance(info.profile.tracking)) return kept;
    const required = requiredHistory(status).filter((kind) => kind !== DossierEventKind.RECEIVED);
    if (!required.length) return kept;
    const lost = required.includes(DossierEventKind.PROCESSING_STARTED) && rng.chance(0.7) ? DossierEventKind.PROCESSING_STARTED : required[required.length - 1];
    return kept.filter((s) => s.kind !== lost);
  }
}

/** A dossier's plan before any exit and "now" (DossierFactory.plan). */
interface Plan {
  steps: Step[];
  handler: string;
  transferredIn: boolean;
  startAt: number;
  /** The due time once the plan's clock stops are counted. */
  dueMs: number;
  /** null: stuck, never completed. */
  completeAt: number | null;
  electronic: boolean;
}

/** What the kept steps leave on the dossier's row: clock stops, completion, return, apology, rejection, closing. */
function stateAfter(kept: Step[]) {
  let pausedMinutes = 0;
  let completedAt: number | null = null;
  let resultReturnedAt: number | null = null;
  let apologyAt: number | null = null;
  let appointment: string | null = null;
  let rejectionReason: string | null = null;
  let lastRequest: number | null = null;
  let closedAt: number | null = null;
  for (const s of kept) {
    if (closedAt === null && s.from !== null && OPEN.has(s.from) && !OPEN.has(s.to)) closedAt = s.at;
    if (s.waited) pausedMinutes += s.waited;
    if (s.kind === DossierEventKind.SUPPLEMENT_REQUESTED) lastRequest = s.at;
    else if (s.kind === DossierEventKind.COMPLETED) completedAt = s.at;
    else if (s.kind === DossierEventKind.RESULT_RETURNED) resultReturnedAt = s.at;
    else if (s.kind === DossierEventKind.REJECTED) rejectionReason = s.reason;
    else if (s.kind === DossierEventKind.APOLOGY_ISSUED) {
      apologyAt = s.at;
      appointment = s.details!.newAppointmentAt as string;
    }
  }
  return { pausedMinutes, completedAt, resultReturnedAt, apologyAt, appointment, rejectionReason, lastRequest, closedAt };
}

const DOSSIER_COLUMNS = [
  'id',
  'code',
  'procedure_id',
  'agency_id',
  'channel',
  'status',
  'applicant_kind',
  'applicant_name',
  'applicant_id_number',
  'applicant_phone',
  'applicant_address',
  'lookup_secret_hash',
  'received_at',
  'processing_days',
  'base_due_at',
  'due_at',
  'paused_working_minutes',
  'supplement_requested_at',
  'completed_at',
  'result_returned_at',
  'completion_timeliness',
  'digitized_at_receipt',
  'reused_digitized_data',
  'electronic_result',
  'fee_paid_online',
  'synced_to_national_portal',
  'transferred_in',
  'apology_issued_at',
  'apology_new_appointment_at',
  'rejection_reason',
  'transferred_to_agency_id',
  'closed_at',
  'history_complete',
  'version',
  'created_at',
  'updated_at',
  'overdue_alerted_at',
];
const EVENT_COLUMNS = [
  'id',
  'dossier_id',
  'kind',
  'from_status',
  'to_status',
  'actor',
  'actor_agency_id',
  'reason',
  'details',
  'occurred_at',
  'recorded_at',
];
const RATING_COLUMNS = [
  'dossier_id',
  'agency_id',
  'level',
  'rated_at',
  'created_at',
];

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export interface SeedDossiersOptions {
  rng: Rng;
  /** Number of dossiers (default 50,000). */
  count?: number;
  /** Number of feedback items (default 2,000). */
  feedbackCount?: number;
  /** The demo's "now": nothing happens after it. */
  now: Date;
  /** First receipt day (default: demoWindowStart(now)). */
  from?: Date;
  agencies: readonly Agency[];
  procedures: ProcedureCatalogue;
  calendar: WorkingCalendar;
  /** Dossiers per transaction (default 5,000). */
  chunkSize?: number;
  /** Chunk transactions running at once, on separate connections (default: the CPU count, 2 to 4). */
  parallel?: number;
  log?: (message: string) => void;
}

export interface SeedDossiersResult {
  dossiers: number;
  events: number;
  ratings: number;
  feedback: number;
  byStatus: Record<string, number>;
}

/** Splits `total` over days proportionally to their weights (largest remainder, deterministic). */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let rest = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) counts[order[k][1]]++;
  return counts;
}

/** Volume of each day from `fromDay` to `lastDay`: working days, growing over time; a trickle online otherwise. */
function dayWeights(calendar: WorkingCalendar, fromDay: number, lastDay: number, nowMs: number): number[] {
  const weights: number[] = [];
  const span = Math.max(1, lastDay - fromDay);
  for (let day = fromDay; day <= lastDay; day++) {
    let w = (calendar.isWorkingDayNumber(day) ? 1 : 0.06) * (1 + (0.3 * (day - fromDay)) / span);
    if (day === lastDay) {
      const dayStart = calendar.atDayNumber(day, 0).getTime();
      w *= Math.min(1, Math.max(0.02, (nowMs - dayStart) / (17 * 3_600_000)));
    }
    weights.push(w);
  }
  return weights;
}

/** Milliseconds after local midnight at which a dossier arrives. */
function timeOfDay(rng: Rng, info: AgencyInfo, channel: DossierChannel, workingDay: boolean): number {
  if (channel !== DossierChannel.ONLINE || (workingDay && rng.chance(0.7))) {
    // At the counter (or filed online during office hours): busier in the morning.
    return info.officeStartMs + Math.floor(Math.pow(rng.next(), 1.3) * (info.officeEndMs - info.officeStartMs));
  }
  return Math.floor(rng.float(6, 24) * 3_600_000);
}

/**
 * One dossier arriving on a day: an agency of the era by its share, one of its procedures
 * (only those filed online on a day off), the channel and the time; null after 50 draws of
 * agencies with no procedure to offer that day.
 */
function drawDraft(rng: Rng, era: Era, workingDay: boolean, dayStartMs: number, nowMs: number): Draft | null {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = era.picker.pick(rng);
    const picker = workingDay ? info.procedures : info.onlineProcedures;
    if (!picker) continue;
    const proc = picker.pick(rng);
    let channel: DossierChannel;
    if (!workingDay) channel = DossierChannel.ONLINE;
    else if (!proc.onlineAllowed) channel = rng.chance(0.03) ? DossierChannel.POSTAL : DossierChannel.IN_PERSON;
    else {
      const x = rng.next();
      channel = x < info.profile.online ? DossierChannel.ONLINE : x < info.profile.online + info.profile.postal ? DossierChannel.POSTAL : DossierChannel.IN_PERSON;
    }
    let at = dayStartMs + timeOfDay(rng, info, channel, workingDay) + rng.int(0, 59_999);
    if (at >= nowMs) at = Math.max(dayStartMs, nowMs - 1 - rng.int(0, 3_600_000));
    return { info, proc, channel, at };
  }
  return null;
}

/** The live demo dossiers at LIVE_DEMO_AGENCY: falling due just after "now", then those already overdue. */
function liveDossiers(ctx: SeedContext, seedRng: Rng, nowMs: number): GeneratedDossier[] {
  const info = ctx.infoOf(LIVE_DEMO_AGENCY);
  const live = new DossierFactory(ctx, seedRng.fork('live'), nowMs);
  const liveRng = seedRng.fork('live-procedures');
  const candidates = info?.onlineProcedures?.items.filter((p) => p.p.processingDays >= 1 && p.p.processingDays <= 15) ?? [];
  const out: GeneratedDossier[] = [];
  LIVE_DUE_OFFSETS.forEach((offset, i) => {
    const d = candidates.length ? live.createLive(info!, liveRng.pick(candidates), `${LIVE_DEMO_CODE_PREFIX}${pad2(i + 1)}`, offset) : null;
    if (d) out.push(d);
  });
  LIVE_OVERDUE_DAYS.forEach((days, i) => {
    const d = candidates.length ? live.createOverdue(info!, liveRng.pick(candidates), `${LIVE_DEMO_CODE_PREFIX}${pad2(LIVE_DUE_OFFSETS.length + i + 1)}`, days) : null;
    if (d) out.push(d);
  });
  return out;
}

/**
 * Inserts chunks in their own transactions, at most `parallel` at once: `submit` waits for a
 * free slot, `drain` for the last one; the first failure is thrown by the next of either.
 */
function chunkInserter(dataSource: DataSource, columns: ChunkColumns, parallel: number, inserted: (chunk: Chunk) => void): { submit: (chunk: Chunk) => Promise<void>; drain: () => Promise<void> } {
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  const submit = async (chunk: Chunk) => {
    while (inflight.size >= parallel) await Promise.race(inflight);
    if (failure) throw failure;
    const done: Promise<void> = insertChunk(dataSource, columns, chunk).then(
      () => inserted(chunk),
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = done.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };
  const drain = async () => {
    while (inflight.size) await Promise.race(inflight);
    if (failure) throw failure;
  };
  return { submit, drain };
}

/**
 * Generates and inserts `count` dossiers with their events and ratings, then `feedbackCount`
 * feedback items. Deterministic for a given rng, catalogue and `now`.
 */
export async function seedDossiers(dataSource: DataSource, options: SeedDossiersOptions): Promise<SeedDossiersResult> {
  const count = options.count ?? 50_000;
  const feedbackCount = options.feedbackCount ?? 2_000;
  const nowMs = options.now.getTime();
  const fromMs = (options.from ?? demoWindowStart(options.now)).getTime();
  const chunkSize = options.chunkSize ?? 5_000;
  const log = options.log ?? (() => undefined);
  const { calendar } = options;
  const rng = options.rng.fork('dossiers');
  const ctx = new SeedContext(calendar, options.agencies, options.procedures, options.rng);
  const factory = new DossierFactory(ctx, rng, nowMs);
  const result: SeedDossiersResult = { dossiers: 0, events: 0, ratings: 0, feedback: 0, byStatus: {} };

  const fromDay = localDayNumberOf(new Date(fromMs));
  const lastDay = localDayNumberOf(new Date(nowMs - 1));
  const liveCount = count >= LIVE_MIN_COUNT ? LIVE_DUE_OFFSETS.length + LIVE_OVERDUE_DAYS.length : 0;
  const perDay = lastDay >= fromDay ? allocate(count - liveCount, dayWeights(calendar, fromDay, lastDay, nowMs)) : [];

  const columns: ChunkColumns = {
    dossier: await tableColumns(dataSource, 'dossier', DOSSIER_COLUMNS),
    event: await tableColumns(dataSource, 'dossier_event', EVENT_COLUMNS),
    rating: await tableColumns(dataSource, 'satisfaction_rating', RATING_COLUMNS),
  };
  // Ids are assigned here, in generation order, so they do not depend on which chunk commits first.
  const firstDossierId = await reserveIds(dataSource, 'dossier');
  const firstEventId = await reserveIds(dataSource, 'dossier_event');
  let nextDossierId = firstDossierId;
  let nextEventId = firstEventId;

  const parallel = Math.max(1, options.parallel ?? Math.min(4, Math.max(2, availableParallelism())));
  const { submit, drain } = chunkInserter(dataSource, columns, parallel, (chunk) => {
    result.dossiers += chunk.dossiers.length;
    result.events += chunk.events.length;
    result.ratings += chunk.ratings.length;
    for (const status of chunk.statuses) result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    log(`  dossiers: ${result.dossiers.toLocaleString('en')} / ${count.toLocaleString('en')}`);
  });
  const emptyChunk = (): Chunk => ({ dossiers: [], events: [], ratings: [], statuses: [] });

  let chunk = emptyChunk();
  let generated = 0;
  const add = (d: GeneratedDossier) => {
    const id = nextDossierId++;
    chunk.dossiers.push([id, ...d.row]);
    for (const s of d.steps) {
      const at = iso(s.at);
      chunk.events.push([nextEventId++, id, s.kind, s.from, s.to, s.actor, d.agencyId, s.reason, s.details ? JSON.stringify(s.details) : null, at, at]);
    }
    if (d.rating) chunk.ratings.push([id, d.agencyId, d.rating[0], iso(d.rating[1]), iso(d.rating[1])]);
    chunk.statuses.push(d.status);
  };
  for (let i = 0; i < perDay.length; i++) {
    const day = fromDay + i;
    const workingDay = calendar.isWorkingDayNumber(day);
    const era = ctx.eraOn(formatDayNumber(day));
    const dayStartMs = calendar.atDayNumber(day, 0).getTime();
    const drafts: Draft[] = [];
    for (let k = 0; k < perDay[i]; k++) {
      // In-person counters are closed on days off: only online filings arrive then.
      const draft = drawDraft(rng, era, workingDay, dayStartMs, nowMs);
      if (draft) drafts.push(draft);
    }
    drafts.sort((a, b) => a.at - b.at);
    for (const draft of drafts) {
      add(factory.create(draft));
      // Let the pending inserts' statements go out while generating.
      if (++generated % 250 === 0) await nextTurn();
      if (chunk.dossiers.length >= chunkSize) {
        await submit(chunk);
        chunk = emptyChunk();
      }
    }
  }
  if (liveCount > 0) liveDossiers(ctx, options.rng, nowMs).forEach(add);
  if (chunk.dossiers.length) await submit(chunk);
  await drain();
  await releaseIds(dataSource, 'dossier', firstDossierId, nextDossierId - 1);
  await releaseIds(dataSource, 'dossier_event', firstEventId, nextEventId - 1);

  result.feedback = await seedFeedback(dataSource, ctx, options.rng.fork('feedback'), feedbackCount, fromMs, nowMs);
  log(`  feedback: ${result.feedback.toLocaleString('en')}`);
  return result;
}

interface ChunkColumns {
  dossier: Column[];
  event: Column[];
  rating: Column[];
}

async function insertChunk(dataSource: DataSource, columns: ChunkColumns, chunk: Chunk): Promise<void> {
  await dataSource.transaction(async (em: EntityManager) => {
    await em.query('SET LOCAL synchronous_commit TO OFF');
    await insertRows(em, 'dossier', columns.dossier, chunk.dossiers);
    await insertRows(em, 'dossier_event', columns.event, chunk.events, { maxRows: 20_000 });
    await insertRows(em, 'satisfaction_rating', columns.rating, chunk.ratings);
  });
}

const FEEDBACK_COLUMNS = [
  'code',
  'agency_id',
  'procedure_id',
  'subject',
  'content',
  'sender_name',
  'sender_contact',
  'received_at',
  'due_at',
  'answered_at',
  'answer',
  'answered_by',
  'satisfaction',
  'created_at',
  'overdue_alerted_at',
];

/** Feedback (phản ánh, kiến nghị): due 10 working days after receipt; most answered in time. */
async function seedFeedback(dataSource: DataSource, ctx: SeedContext, rng: Rng, count: number, fromMs: number, nowMs: number): Promise<number> {
  if (count <= 0) return 0;
  const calendar = ctx.calendar;
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(Math.floor(rng.float(fromMs, nowMs)));
  times.sort((a, b) => a - b);
  const rows: unknown[][] = [];
  times.forEach((at, i) => {
    const receivedAt = new Date(at);
    const localDate = calendar.localDateOf(receivedAt);
    const info = ctx.eraOn(localDate).picker.pick(rng);
    const procedure = info.procedures && rng.chance(0.7) ? info.procedures.pick(rng).p : null;
    const topic = rng.pick(FEEDBACK_TOPICS);
    const dueAt = computeFeedbackDueAt(calendar, receivedAt, info.hours);
    const dueMs = dueAt.getTime();
    const x = rng.next();
    let answeredAt: number | null = null;
    if (x < info.profile.feedbackOnTime) {
      const effective = calendar.effectiveReceipt(receivedAt, info.hours);
      const window = calendar.workingMinutesBetween(effective, dueAt, info.hours);
      answeredAt = calendar.addWorkingMinutes(effective, Math.max(1, window * rng.float(0.1, 1)), info.hours).getTime();
    } else if (x < info.profile.feedbackOnTime + (1 - info.profile.feedbackOnTime) * 0.6) {
      answeredAt = calendar.addWorkingMinutes(dueAt, rng.int(30, info.dayMinutes * 10), info.hours).getTime();
    }
    if (answeredAt !== null && answeredAt > nowMs) answeredAt = null;
    let satisfaction: SatisfactionLevel | null = null;
    if (answeredAt !== null && rng.chance(0.7)) {
      const late = answeredAt > dueMs;
      satisfaction = rng.weighted(
        [SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED, SatisfactionLevel.NEUTRAL, SatisfactionLevel.UNSATISFIED],
        late ? [10, 30, 30, 30] : [35, 42, 15, 8],
      );
    }
    const sender = personName(rng).name;
    const contact = rng.chance(0.8) ? mobilePhone(rng) : rng.chance(0.5) ? `${foldVietnamese(sender.split(' ').pop()!)}${rng.int(70, 2005)}@gmail.com` : null;
    rows.push([
      `PAKN-${info.agency.code}-${localDate.replace(/-/g, '')}-${String(i + 1).padStart(6, '0')}`,
      info.agency.databaseId,
      procedure?.databaseId ?? null,
      topic.subject,
      topic.content(procedure ? procedure.name.charAt(0).toLowerCase() + procedure.name.slice(1) : null),
      sender,
      contact,
      iso(at),
      iso(dueMs),
      answeredAt === null ? null : iso(answeredAt),
      answeredAt === null ? null : rng.pick(FEEDBACK_ANSWERS),
      answeredAt === null ? null : `officer-${info.agency.code}-${String(rng.int(1, info.officers)).padStart(2, '0')}`,
      satisfaction,
      iso(at),
      // Unanswered past its due time: alerted in the demo's past (as dossiers, see pastAlert).
      answeredAt === null && dueMs < nowMs ? iso(dueMs) : null,
    ]);
  });
  await dataSource.transaction(async (em) => {
    await insertRows(em, 'feedback', FEEDBACK_COLUMNS, rows);
  });
  return rows.length;
}
