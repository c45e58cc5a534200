/**
 * Generated dossier histories as an agency system would push them (importDossierEvents
 * input), with the final status each history leads to: the oracle of the bulk sync tests,
 * and what `npm run seed -- --via-sync` pushes through the sync path.
 */
import { Rng } from './random';

export interface GeneratedEvent {
  eventId: string;
  dossierCode: string;
  kind: string;
  occurredAt: string;
  [field: string]: unknown;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 6 January 2025, 08:00 in Vietnam. */
const START = Date.parse('2025-01-06T08:00:00+07:00');

/**
 * Valid histories for `dossiers` dossiers at the given agencies and procedures: receipt, then
 * processing, sometimes a supplement round, then completion and return, or a withdrawal or
 * rejection. Returns the events in history order and each dossier's final status.
 */
export function generateHistories(options: {
  prefix: string;
  dossiers: number;
  agencyCodes: string[];
  procedureCodes: string[];
  seed: number;
  firstNumber?: number;
}) {
  const rng = new Rng(`sync-histories:${options.seed}`);
  const random = () => rng.next();
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const events: GeneratedEvent[] = [];
  const finalStatus = new Map<string, string>();
  const first = options.firstNumber ?? 0;
  for (let n = first; n < first + options.dossiers; n++) {
    const code = `${options.prefix}-${String(n).padStart(6, '0')}`;
    // Receipt on a weekday between 08:00 and 16:00, over ~10 months.
    const day = Math.floor(random() * 300);
    let t = START + day * DAY + Math.floor(random() * 8 * 60) * 60_000;
    const at = () => new Date(t).toISOString();
    const push = (kind: string, extra: Record<string, unknown> = {}) =>
      events.push({ eventId: `${code}:${events.length}`, dossierCode: code, kind, occurredAt: at(), ...extra });
    push('RECEIVED', {
      procedureCode: pick(options.procedureCodes),
      agencyCode: pick(options.agencyCodes),
      channel: pick(['ONLINE', 'IN_PERSON', 'POSTAL']),
      applicant: { kind: 'CITIZEN', name: `Người nộp ${n}`, idNumber: String(1_090_000_000 + n).padStart(12, '0') },
      feePaidOnline: random() < 0.5,
    });
    const roll = random();
    if (roll < 0.05) {
      t += 2 * HOUR;
      push('WITHDRAWN', { reason: 'Người nộp rút hồ sơ' });
      finalStatus.set(code, 'WITHDRAWN');
      continue;
    }
    t += Math.floor(1 + random() * 20) * HOUR;
    push('PROCESSING_STARTED');
    if (roll < 0.1) {
      t += 5 * HOUR;
      push('REJECTED', { reason: 'Không đủ điều kiện' });
      finalStatus.set(code, 'REJECTED');
      continue;
    }
    if (roll < 0.3) {
      t += Math.floor(1 + random() * 30) * HOUR;
      push('SUPPLEMENT_REQUESTED', { reason: 'Bổ sung giấy tờ' });
      t += Math.floor(1 + random() * 80) * HOUR;
      push('RESUMED');
    }
    if (roll < 0.4) {
      finalStatus.set(code, 'PROCESSING'); // still open
      continue;
    }
    t += Math.floor(1 + random() * 100) * HOUR;
    push('COMPLETED', { electronicResult: random() < 0.7 });
    if (roll < 0.6) {
      finalStatus.set(code, 'COMPLETED');
      continue;
    }
    t += Math.floor(1 + random() * 48) * HOUR;
    push('RESULT_RETURNED');
    finalStatus.set(code, 'RESULT_RETURNED');
  }
  return { events, finalStatus };
}

/** Moves `share` of the items to random positions (out of order arrival). */
export function shuffleSome<T>(items: T[], share: number, random: () => number): T[] {
  const out = [...items];
  const moves = Math.floor(items.length * share);
  for (let i = 0; i < moves; i++) {
    const [item] = out.splice(Math.floor(random() * out.length), 1);
    out.splice(Math.floor(random() * (out.length + 1)), 0, item);
  }
  return out;
}

/** Inserts each extra item at a random position. */
export function sprinkle<T>(items: T[], extra: T[], random: () => number): T[] {
  const out = [...items];
  for (const item of extra) out.splice(Math.floor(random() * (out.length + 1)), 0, item);
  return out;
}
