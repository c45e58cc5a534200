import { OfficeHours, parseLocalTime, WorkingCalendar } from '../domain/calendar';
import { dueAtReceipt, type DueAtReceipt } from '../domain/deadlines';
import { AgencyKind, OnlineLevel } from '../domain/enums';
import { Agency, Procedure, ServiceCommitment } from '../entities';
import { DEPARTMENTS, isValidOn, MERGED_PROVINCES, MINISTRIES, PROVINCES_BEFORE_REFORM, rootCodeOf } from './agencies';
import { FieldInfo, FIELDS, ProcedureCatalogue } from './procedures';
import { Rng, WeightedPicker } from './random';

/** What the demo's dossiers are drawn from: each agency's profile and share, its procedures and office hours, the reasons officers give. */

export const MINUTE_MS = 60_000;

/** Share of all dossiers handled by ministries (the rest by provinces and their units). */
const MINISTRY_SHARE = 0.07;

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

const SMALL_RATES: readonly (keyof AgencyProfile)[] = [
  'late',
  'stuck',
  'supplement',
  'withdraw',
  'reject',
  'transfer',
  'transferIn',
  'postal',
  'neverReturned',
];

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

export const SUPPLEMENT_REASONS = [
  'Thiếu bản sao giấy tờ tùy thân của người đề nghị',
  'Tờ khai chưa đúng mẫu quy định',
  'Thiếu chữ ký của người đề nghị trên tờ khai',
  'Thông tin kê khai chưa thống nhất với giấy tờ kèm theo',
  'Thiếu giấy ủy quyền hợp lệ',
  'Bổ sung bản vẽ, sơ đồ kèm theo hồ sơ',
  'Bản scan giấy tờ không rõ, đề nghị nộp lại',
  'Thiếu văn bản ý kiến của cơ quan liên quan',
];
export const REJECT_REASONS = [
  'Hồ sơ không thuộc thẩm quyền giải quyết',
  'Không đủ điều kiện theo quy định',
  'Người nộp không bổ sung hồ sơ trong thời hạn quy định',
  'Giấy tờ trong hồ sơ không hợp lệ',
  'Trùng với hồ sơ đã được giải quyết trước đó',
];
export const WITHDRAW_REASONS = ['Người nộp hồ sơ đề nghị rút hồ sơ', 'Công dân rút hồ sơ để nộp lại sau', 'Doanh nghiệp không còn nhu cầu giải quyết'];
export const TRANSFER_REASONS = [
  'Chuyển đến cơ quan có thẩm quyền giải quyết',
  'Chuyển theo địa bàn cư trú của người nộp',
  'Chuyển theo phân cấp giải quyết thủ tục',
];
export const APOLOGY_REASONS = [
  'Hồ sơ cần xác minh thêm thông tin',
  'Chờ ý kiến phối hợp của cơ quan liên quan',
  'Hệ thống phần mềm gặp sự cố',
  'Số lượng hồ sơ tăng đột biến',
  'Cán bộ xử lý chậm trễ',
];

export const FEEDBACK_TOPICS: readonly { subject: string; content: (procedure: string | null) => string }[] = [
  {
    subject: 'Chậm trả kết quả hồ sơ',
    content: (p) => `Tôi đã nộp hồ sơ ${p ?? 'thủ tục hành chính'} nhưng đã quá hẹn mà chưa nhận được kết quả. Đề nghị cơ quan kiểm tra, trả lời.`,
  },
  {
    subject: 'Yêu cầu bổ sung giấy tờ không đúng quy định',
    content: (p) => `Khi nộp hồ sơ ${p ?? ''} tôi bị yêu cầu bổ sung nhiều giấy tờ không có trong thành phần hồ sơ đã công bố.`.replace('  ', ' '),
  },
  {
    subject: 'Lỗi khi nộp hồ sơ trực tuyến',
    content: (p) => `Cổng dịch vụ công báo lỗi khi tôi nộp hồ sơ ${p ?? ''} trực tuyến, không tải được tệp đính kèm.`.replace('  ', ' '),
  },
  {
    subject: 'Không thanh toán được phí, lệ phí trực tuyến',
    content: (p) => `Tôi không thanh toán được lệ phí trực tuyến cho hồ sơ ${p ?? ''}, giao dịch bị trừ tiền nhưng hệ thống chưa ghi nhận.`.replace('  ', ' '),
  },
  { subject: 'Thái độ của cán bộ tiếp nhận', content: () => 'Cán bộ tại bộ phận một cửa hướng dẫn thiếu nhiệt tình, yêu cầu người dân đi lại nhiều lần.' },
  {
    subject: 'Đề nghị hướng dẫn thủ tục',
    content: (p) => `Đề nghị cơ quan hướng dẫn cụ thể thành phần hồ sơ và thời gian giải quyết thủ tục ${p ?? 'hành chính'}.`,
  },
  {
    subject: 'Kiến nghị đơn giản hóa thủ tục',
    content: (p) => `Kiến nghị cắt giảm giấy tờ phải nộp đối với thủ tục ${p ?? 'hành chính'}, vì thông tin đã có trong cơ sở dữ liệu quốc gia về dân cư.`,
  },
  { subject: 'Không nhận được thông báo kết quả', content: () => 'Hồ sơ đã có kết quả nhưng tôi không nhận được tin nhắn hay thư điện tử thông báo.' },
];
export const FEEDBACK_ANSWERS = [
  'Cơ quan đã kiểm tra, hồ sơ đã được giải quyết và trả kết quả. Xin cảm ơn ông/bà đã phản ánh.',
  'Cơ quan đã chấn chỉnh cán bộ liên quan và xin lỗi ông/bà về sự bất tiện.',
  'Thành phần hồ sơ được thực hiện theo quyết định công bố thủ tục hành chính; cơ quan đã hướng dẫn lại cho ông/bà.',
  'Lỗi hệ thống đã được khắc phục; đề nghị ông/bà thực hiện lại thao tác nộp hồ sơ.',
  'Kiến nghị của ông/bà đã được tổng hợp, gửi cơ quan có thẩm quyền xem xét sửa đổi quy định.',
];

// ---------------------------------------------------------------------------------------------
// Setup: agencies, procedures, eras
// ---------------------------------------------------------------------------------------------

export interface ProcInfo {
  p: Procedure;
  field: FieldInfo;
  onlineAllowed: boolean;
  feeBearing: boolean;
}

export interface AgencyInfo {
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

export interface Era {
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

export function provinceOf(code: string): { name: string; gso: string } | null {
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

export class SeedContext {
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
        procedures: linked.length
          ? new WeightedPicker(
              linked.map((x) => x.info),
              linked.map((x) => x.weight),
            )
          : null,
        onlineProcedures: online.length
          ? new WeightedPicker(
              online.map((x) => x.info),
              online.map((x) => x.weight),
            )
          : null,
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
    return dueAtReceipt({
      calendar: this.calendar,
      receivedAt,
      processingDays: proc.p.processingDays,
      hours: info.hours,
      commitments: info.commitments.get(proc.p.databaseId) ?? [],
    });
  }
}
