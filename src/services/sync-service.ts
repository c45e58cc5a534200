import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { canSeeAgencyPath, requireRole, scopePrefix, Viewer } from '../auth/access';
import { WorkingCalendar } from '../domain/calendar';
import { dueAtReceipt } from '../domain/deadlines';
import { ApplicantKind, DossierChannel, DossierEventKind, Role } from '../domain/enums';
import { agencyCodeNamedBy, dossierCodeOutOfScope, mayUseDossierCode } from '../domain/dossier-codes';
import { EventContent, eventIdSpace, sameEventContent } from '../domain/sync-identity';
import { compareSyncedEvents, replayDossier, ReplayResult, SyncedEvent } from '../domain/sync-replay';
import { Agency, Procedure, ServiceCommitment } from '../entities';
import type { SyncEventPayload } from '../entities/SyncEvent';
import { queryReturning } from '../db/returning';
import { badInput, ErrorCode } from '../domain/errors';
import { DomainEvents, DossiersSynced, DossierTimes } from '../subscriptions/domain-events';
import { CalendarService } from './calendar-service';
import { shapeProblem } from './sync-event-checks';
import { hashLookupSecret, lockDossierCode } from './dossier-service';

/** The most events one importDossierEvents call takes. */
export const MAX_IMPORT_BATCH = 5000;

/** One event as an agency system sends it. */
export interface ImportEventInput {
  eventId: string;
  dossierCode: string;
  kind: DossierEventKind;
  occurredAt: Date;
  procedureCode?: string | null;
  agencyCode?: string | null;
  channel?: DossierChannel | null;
  applicant?: { kind: ApplicantKind; name: string; idNumber: string; phone?: string | null; address?: string | null } | null;
  lookupSecret?: string | null;
  digitizedAtReceipt?: boolean | null;
  reusedDigitizedData?: boolean | null;
  feePaidOnline?: boolean | null;
  transferredIn?: boolean | null;
  reason?: string | null;
  electronicResult?: boolean | null;
  toAgencyCode?: string | null;
  newAppointmentAt?: Date | null;
}

export interface ImportItemError {
  index: number;
  eventId: string | null;
  code: ErrorCode;
  message: string;
  field: string | null;
}

export interface ImportOutcome {
  /** New events stored (applied or held). */
  accepted: number;
  /** Events whose id was already stored in its id space, or repeated in the call, with the same content: the first copy is kept. */
  duplicates: number;
  rejected: number;
  /** Of the accepted ones, those waiting (no receipt yet, or a step missing before them). */
  held: number;
  /** Dossiers rebuilt by this call. */
  dossiersReplayed: number;
  errors: ImportItemError[];
}

interface ValidEvent {
  index: number;
  eventId: string;
  dossierCode: string;
  kind: DossierEventKind;
  occurredAt: Date;
  payload: SyncEventPayload;
  /** The agency code the dossier code names, if it has that shape (whether it exists is checked later). */
  namedAgencyCode: string | null;
  /** The event carried a lookup secret (one generated for it cannot be repeated by a retry). */
  secretSent: boolean;
}

/** An event with its id space, known once the references are checked. */
interface PlacedEvent extends ValidEvent {
  idSpace: string;
}

interface StoredEventRow {
  event_id: string;
  id_space: string;
  dossier_code: string;
  kind: DossierEventKind;
  occurred_at: Date;
  payload: SyncEventPayload;
  held_reason: string | null;
  importer_path: string;
}

/**
 * Bulk sync from agency systems (docs/SPEC.md §2 "Sync"). Events are checked one by one (a bad one is
 * reported, the good ones land), stored once per event id in `sync_event` (the first copy
 * wins), and every dossier they touch is rebuilt from all its stored events in time order, in
 * one transaction and with set-based SQL: a handful of statements per call, whatever its size.
 */
export class SyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly events: DomainEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async importEvents(viewer: Viewer | undefined, inputs: ImportEventInput[]): Promise<ImportOutcome> {
    const importer = requireRole(viewer, [Role.OFFICER, Role.ADMIN]);
    if (inputs.length > MAX_IMPORT_BATCH) throw badInput('events', `At most ${MAX_IMPORT_BATCH} events per call; got ${inputs.length}.`);
    const now = this.clock();
    const calendar = await this.calendars.get();
    const errors: ImportItemError[] = [];
    const reject: Reject = (index, eventId, code, message, field = null) => errors.push({ index, eventId, code, message, field });

    // 1. Shape of each event. Repeats inside the call are dropped once the references are
    // checked too (step 2), so a bad first copy does not take a good second one with it.
    const shaped = shapeEvents(inputs, now, reject);

    const outcome = await this.dataSource.transaction(async (em) => {
      // Writers of these codes (other imports, receiveDossier) wait here, so what is checked
      // below still holds when the dossiers are written.
      await lockDossierCode(em, ...unique(shaped.map((e) => e.dossierCode)));
      // 2. References and scope, with one query per kind of thing.
      const { agencies, procedures, existing, valid } = await placeEvents(em, shaped, importer, reject);
      // 3. Store, first copy wins.
      const { duplicates, accepted, fresh } = await storeEvents(em, valid, importer, reject);
      return { duplicates, accepted, replayed: fresh.length ? await this.replay(em, fresh, { agencies, procedures }, calendar) : [], existing };
    });

    const heldKeys = new Set(outcome.replayed.flatMap((r) => r.heldKeys));
    const touched = outcome.replayed.filter((r) => r.result.received);
    if (touched.length) this.events.emit('dossiersSynced', { dossiers: touched.map((r) => syncedDossier(r, outcome.existing.get(r.code))) });
    errors.sort((a, b) => a.index - b.index);
    return {
      accepted: outcome.accepted.size,
      duplicates: outcome.duplicates,
      rejected: errors.length,
      held: [...outcome.accepted].filter((key) => heldKeys.has(key)).length,
      dossiersReplayed: touched.length,
      errors,
    };
  }

  /**
   * Rebuilds the given dossiers from every stored event of theirs, in time order. Holds a
   * transaction-scoped advisory lock per dossier code so two imports of one dossier replay
   * one after the other, each seeing the other's events once committed.
   */
  private async replay(em: EntityManager, freshRows: StoredEventRow[], known: KnownReferences, calendar: WorkingCalendar): Promise<Replayed[]> {
    const codes = unique(freshRows.map((r) => r.dossier_code));
    const fresh = new Set(freshRows.map(storedKey));
    const { rows, agencies, procedures, commitments } = await readReplayInputs(em, codes, freshRows, known);

    const byCode = new Map<string, StoredEventRow[]>();
    for (const row of rows) (byCode.get(row.dossier_code) ?? byCode.set(row.dossier_code, []).get(row.dossier_code)!).push(row);
    const results: DossierReplay[] = codes.map((code) => {
      const rows = byCode.get(code) ?? [];
      const ids = replayIds(rows);
      const result = replayDossier(
        rows.map((row) => toSyncedEvent(row, ids.get(row)!, agencies, procedures, commitments, calendar)),
        calendar,
      );
      const rowOf = new Map(rows.map((row) => [ids.get(row)!, row]));
      return { code, result, rows, ids, rowOf };
    });

    // Write back with one statement per table.
    const received = results.filter((r): r is ReceivedReplay => r.result.received);
    const ids = await writeDossiers(em, received);
    if (received.length) await writeAppliedEvents(em, received, ids, fresh, calendar);
    const heldKeys = await writeHolds(em, rows, results);
    return results.map(({ code, result }) => ({
      code,
      result,
      heldKeys: heldKeys.get(code)!,
      dossierId: ids.get(code),
      times: result.received
        ? { agencyId: result.receipt.agencyId, receivedAt: result.receivedAt, completedAt: result.state.completedAt, closedAt: result.state.closedAt }
        : undefined,
    }));
  }
}

/** Records one event's error of an import call (`field` is the path inside that event). */
type Reject = (index: number, eventId: string | null, code: ErrorCode, message: string, field?: string | null) => void;

/** The agencies and procedures an import's checks read, by code (null where none has that code). */
interface KnownReferences {
  agencies: Map<string, Agency>;
  procedures: Map<string, Procedure>;
}

/** Step 1 of an import: the events of a sound shape, each with the payload to store; the others rejected. */
function shapeEvents(inputs: ImportEventInput[], now: Date, reject: Reject): ValidEvent[] {
  const shaped: ValidEvent[] = [];
  const unknownSecret = secretSource(inputs.length);
  inputs.forEach((input, index) => {
    const problem = shapeProblem(input, now);
    if (problem)
      return reject(
        index,
        typeof input.eventId === 'string' ? input.eventId : null,
        ErrorCode.BAD_USER_INPUT,
        problem.message,
        `events.${index}.${problem.field}`,
      );
    shaped.push({
      index,
      eventId: input.eventId,
      dossierCode: input.dossierCode,
      kind: input.kind,
      occurredAt: input.occurredAt,
      payload: payloadOf(input, unknownSecret),
      namedAgencyCode: agencyCodeNamedBy(input.dossierCode),
      secretSent: input.lookupSecret !== undefined && input.lookupSecret !== null,
    });
  });
  return shaped;
}

/**
 * Step 2 of an import: the events whose agencies, procedure and dossier exist and lie within
 * the importer's scope, each placed in its event id space; the others rejected.
 */
async function placeEvents(
  em: EntityManager,
  shaped: ValidEvent[],
  importer: Viewer,
  reject: Reject,
): Promise<KnownReferences & { existing: Map<string, StoredDossier>; valid: PlacedEvent[] }> {
  const agencies = await withMissing(
    new Map<string, Agency>(),
    unique(shaped.flatMap((e) => [e.payload.agencyCode, e.payload.toAgencyCode, e.namedAgencyCode])),
    (codes) => em.findBy(Agency, { code: In(codes) }),
  );
  const procedures = await withMissing(new Map<string, Procedure>(), unique(shaped.map((e) => e.payload.procedureCode)), (codes) =>
    em.findBy(Procedure, { code: In(codes) }),
  );
  const existing = new Map<string, StoredDossier>(
    (
      await em.query(
        `SELECT d.code, d.managed_by_sync, a.path, d.agency_id, d.received_at, d.completed_at, d.closed_at FROM dossier d JOIN agency a ON a.id = d.agency_id WHERE d.code = ANY($1::text[])`,
        [unique(shaped.map((e) => e.dossierCode))],
      )
    ).map((r: StoredDossier) => [r.code, r]),
  );
  const scope = scopePrefix(importer);
  const valid: PlacedEvent[] = [];
  for (const e of shaped) {
    const fail = (code: ErrorCode, message: string, field: string | null = null) =>
      reject(e.index, e.eventId, code, message, field && `events.${e.index}.${field}`);
    // Scope first, the code's then the dossier's: outside it, a code that is taken and a
    // free one get the same answer, so the import cannot tell which codes exist.
    const named = e.namedAgencyCode === null ? undefined : agencies.get(e.namedAgencyCode);
    if (named && !mayUseDossierCode(named.path, scope)) {
      fail(ErrorCode.FORBIDDEN, dossierCodeOutOfScope(e.dossierCode, named.code), 'dossierCode');
      continue;
    }
    const problem = referenceProblem(e, existing.get(e.dossierCode), agencies, procedures, importer);
    if (problem) {
      fail(problem.code, problem.message, problem.field);
      continue;
    }
    valid.push({ ...e, idSpace: eventIdSpace(named?.code ?? null, importer.agencyCode) });
  }
  return { agencies, procedures, existing, valid };
}

/**
 * Step 3 of an import: stores the first copy of each event id in its id space (one multi-row
 * insert) unless the id was stored before, and checks every other copy against what was kept:
 * the same event is a duplicate, a different one under that id is refused, never silently
 * dropped. Returns the rows just stored, as the replay would read them back.
 */
async function storeEvents(
  em: EntityManager,
  valid: PlacedEvent[],
  importer: Viewer,
  reject: Reject,
): Promise<{ duplicates: number; accepted: Set<string>; fresh: StoredEventRow[] }> {
  const firstOf = new Map<string, PlacedEvent>();
  const laterCopies: PlacedEvent[] = [];
  for (const e of valid) {
    if (firstOf.has(placedKey(e))) laterCopies.push(e);
    else firstOf.set(placedKey(e), e);
  }
  const firstCopies = [...firstOf.values()];
  if (firstCopies.length === 0) return { duplicates: 0, accepted: new Set<string>(), fresh: [] };
  // In key order: two imports inserting the same ids in opposite orders would each wait
  // on the other's row (ON CONFLICT) and one would fail on a deadlock.
  firstCopies.sort((a, b) => compareText(a.eventId, b.eventId) || compareText(a.idSpace, b.idSpace));

  // ADMIN's scope is everything: '/' covers every agency path.
  const importerPath = scopePrefix(importer) ?? '/';
  const inserted = await queryReturning<{ event_id: string; id_space: string }>(
    em,
    `INSERT INTO sync_event (event_id, id_space, dossier_code, kind, occurred_at, payload, importer_path, imported_by)
     SELECT r.event_id, r.id_space, r.dossier_code, r.kind::dossier_event_kind, r.occurred_at, r.payload, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, id_space text, dossier_code text, kind text, occurred_at timestamptz, payload jsonb)
     ON CONFLICT (event_id, id_space) DO NOTHING RETURNING event_id, id_space`,
    [
      JSON.stringify(
        firstCopies.map((e) => ({
          event_id: e.eventId,
          id_space: e.idSpace,
          dossier_code: e.dossierCode,
          kind: e.kind,
          occurred_at: e.occurredAt.toISOString(),
          payload: e.payload,
        })),
      ),
      importerPath,
      importer.sub,
    ],
  );
  const accepted = new Set(inserted.map(storedKey));
  // Ids stored before (usually none; every one on a repeated call).
  const stored = firstCopies.filter((e) => !accepted.has(placedKey(e)));
  const kept = new Map<string, { content: EventContent<SyncEventPayload>; by: string }>(
    firstCopies.map((e) => [placedKey(e), { content: e, by: `event ${e.index} of this call` }]),
  );
  if (stored.length) {
    const earlier = new Map<string, StoredEventRow>(
      (
        await em.query(
          `SELECT s.event_id, s.id_space, s.dossier_code, s.kind, s.occurred_at, s.payload FROM sync_event s
             JOIN unnest($1::text[], $2::text[]) AS k(event_id, id_space) ON k.event_id = s.event_id AND k.id_space = s.id_space`,
          [stored.map((e) => e.eventId), stored.map((e) => e.idSpace)],
        )
      ).map((r: StoredEventRow) => [storedKey(r), r] as const),
    );
    for (const [key, r] of earlier)
      kept.set(key, {
        content: { kind: r.kind, dossierCode: r.dossier_code, occurredAt: new Date(r.occurred_at), payload: r.payload },
        by: 'the event stored under it',
      });
  }
  let duplicates = 0;
  for (const e of [...stored, ...laterCopies]) {
    const { content, by } = kept.get(placedKey(e))!;
    if (sameEventContent(content, e, e.secretSent)) duplicates++;
    else reject(e.index, e.eventId, ErrorCode.CONFLICT, differentRepeat(e, by), `events.${e.index}.eventId`);
  }
  const fresh: StoredEventRow[] = firstCopies
    .filter((e) => accepted.has(placedKey(e)))
    .map((e) => ({
      event_id: e.eventId,
      id_space: e.idSpace,
      dossier_code: e.dossierCode,
      kind: e.kind,
      occurred_at: e.occurredAt,
      payload: e.payload,
      held_reason: null,
      importer_path: importerPath,
    }));
  return { duplicates, accepted, fresh };
}

/** One dossier's replay: its stored events, their replay ids, and what the domain made of them. */
interface DossierReplay {
  code: string;
  result: ReplayResult;
  rows: StoredEventRow[];
  ids: Map<StoredEventRow, string>;
  rowOf: Map<string, StoredEventRow>;
}
type ReceivedReplay = DossierReplay & { result: Extract<ReplayResult, { received: true }> };

/**
 * Every event of the given dossiers (those stored before this call, then this call's own),
 * and the agencies, procedures and service commitments their replay reads.
 */
async function readReplayInputs(
  em: EntityManager,
  codes: string[],
  freshRows: StoredEventRow[],
  known: KnownReferences,
): Promise<KnownReferences & { rows: StoredEventRow[]; commitments: ServiceCommitment[] }> {
  // The events stored before this call; this call's own rows are in memory already (reading
  // them back costs pg's row, JSON and date parsing of every one: docs/performance.md, P5).
  const before: StoredEventRow[] = await em.query(
    `SELECT s.event_id, s.id_space, s.dossier_code, s.kind, s.occurred_at, s.payload, s.held_reason, s.importer_path FROM sync_event s
      WHERE s.dossier_code = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS f(event_id, id_space) WHERE f.event_id = s.event_id AND f.id_space = s.id_space)`,
    [codes, freshRows.map((r) => r.event_id), freshRows.map((r) => r.id_space)],
  );
  const rows = [...before, ...freshRows];
  const receipts = rows.filter((r) => r.kind === DossierEventKind.RECEIVED);
  // What the checks read is reused; earlier events may name agencies and procedures they did not.
  const agencies = await withMissing(known.agencies, unique(rows.flatMap((r) => [r.payload.agencyCode, r.payload.toAgencyCode])), (missing) =>
    em.findBy(Agency, { code: In(missing) }),
  );
  const procedures = await withMissing(known.procedures, unique(receipts.map((r) => r.payload.procedureCode)), (missing) =>
    em.findBy(Procedure, { code: In(missing) }),
  );
  const agencyIds = unique(receipts.map((r) => agencies.get(r.payload.agencyCode!)?.databaseId));
  const commitments = agencyIds.length ? await em.findBy(ServiceCommitment, { agencyId: In(agencyIds) }) : [];
  return { rows, agencies, procedures, commitments };
}

/** A replayed dossier's row of the dossier table, its applicant and options as its receipt gave them. */
function dossierRow({ code, result, rowOf }: ReceivedReplay) {
  const receipt = rowOf.get(result.receiptEventId)!.payload;
  const s = result.state;
  return {
    code,
    procedure_id: result.receipt.procedureId,
    agency_id: result.receipt.agencyId,
    channel: receipt.channel,
    status: s.status,
    applicant_kind: receipt.applicantKind,
    applicant_name: receipt.applicantName,
    applicant_id_number: receipt.applicantIdNumber,
    applicant_phone: receipt.applicantPhone ?? null,
    applicant_address: receipt.applicantAddress ?? null,
    lookup_secret_hash: receipt.lookupSecretHash,
    received_at: result.receivedAt.toISOString(),
    processing_days: result.receipt.processingDays,
    base_due_at: s.baseDueAt.toISOString(),
    due_at: s.dueAt.toISOString(),
    paused_working_minutes: s.pausedWorkingMinutes,
    supplement_requested_at: iso(s.supplementRequestedAt),
    completed_at: iso(s.completedAt),
    result_returned_at: iso(s.resultReturnedAt),
    closed_at: iso(s.closedAt),
    history_complete: result.historyComplete,
    completion_timeliness: s.completionTimeliness,
    digitized_at_receipt: receipt.digitizedAtReceipt ?? false,
    reused_digitized_data: receipt.reusedDigitizedData ?? false,
    electronic_result: s.electronicResult,
    fee_paid_online: receipt.feePaidOnline ?? false,
    synced_to_national_portal: result.synced,
    transferred_in: receipt.transferredIn ?? false,
    apology_issued_at: iso(s.apologyIssuedAt),
    apology_new_appointment_at: iso(s.apologyNewAppointmentAt),
    rejection_reason: s.rejectionReason,
    transferred_to_agency_id: s.transferredToAgencyId,
  };
}

/** Upserts the replayed dossiers in one statement; returns the id of each one written, by code. */
async function writeDossiers(em: EntityManager, received: ReceivedReplay[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const dossierRows = received.map(dossierRow);
  if (!dossierRows.length) return ids;
  const columns = Object.keys(dossierRows[0]);
  const saved: { id: string; code: string }[] = await em.query(
    `INSERT INTO dossier (${columns.join(', ')}, managed_by_sync, version)
     SELECT ${columns.map((c) => `r.${c}`).join(', ')}, true, 1
       FROM jsonb_populate_recordset(NULL::dossier, $1::jsonb) AS r
     ON CONFLICT (code) DO UPDATE SET ${columns
       .filter((c) => c !== 'code')
       .map((c) => `${c} = EXCLUDED.${c}`)
       .join(', ')},
       version = dossier.version + 1, updated_at = now()
     -- never overwrite a dossier the API's mutations keep (a receipt that raced this import)
     WHERE dossier.managed_by_sync
     RETURNING id, code`,
    [JSON.stringify(dossierRows)],
  );
  for (const row of saved) ids.set(row.code, String(row.id));
  return ids;
}

/**
 * Writes the applied history, a projection of the synced events. When the new events only
 * extend what was applied before (the usual case: a dossier's events arrive over days), the
 * stored rows stay and only the new ones are added; otherwise it is rebuilt.
 */
async function writeAppliedEvents(
  em: EntityManager,
  received: ReceivedReplay[],
  ids: Map<string, string>,
  fresh: Set<string>,
  calendar: WorkingCalendar,
): Promise<void> {
  const rewritten: string[] = [];
  const eventRows = received.flatMap(({ code, result, rows: events, ids: replayId, rowOf }) => {
    const dossierId = ids.get(code);
    if (!dossierId) return [];
    const before = events
      .filter((e) => !fresh.has(storedKey(e)) && e.held_reason === null)
      .map((e) => toSyncedEvent(e, replayId.get(e)!, new Map(), new Map(), [], calendar))
      .sort(compareSyncedEvents);
    const extendsBefore = before.every((e, i) => result.applied[i]?.eventId === e.eventId);
    if (!extendsBefore) rewritten.push(dossierId);
    return result.applied.slice(extendsBefore ? before.length : 0).map((e) => ({
      external_id: rowOf.get(e.eventId)!.event_id,
      dossier_id: dossierId,
      kind: e.kind,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      actor: 'sync',
      actor_agency_id: result.receipt.agencyId,
      reason: e.reason,
      details: e.details,
      occurred_at: e.occurredAt.toISOString(),
    }));
  });
  if (rewritten.length) await em.query(`DELETE FROM dossier_event WHERE dossier_id = ANY($1::bigint[])`, [rewritten]);
  await em.query(
    `INSERT INTO dossier_event (external_id, dossier_id, kind, from_status, to_status, actor, actor_agency_id, reason, details, occurred_at)
     SELECT r.external_id, r.dossier_id, r.kind, r.from_status, r.to_status, r.actor, r.actor_agency_id, r.reason, r.details, r.occurred_at
       FROM jsonb_populate_recordset(NULL::dossier_event, $1::jsonb) AS r`,
    [JSON.stringify(eventRows)],
  );
}

/** Records which events are held and why, changing only the rows whose hold changed; returns each dossier's held event keys. */
async function writeHolds(em: EntityManager, rows: StoredEventRow[], results: DossierReplay[]): Promise<Map<string, string[]>> {
  const heldKeys = new Map(results.map((r) => [r.code, r.result.held.map((h) => storedKey(r.rowOf.get(h.eventId)!))]));
  const held = new Map(results.flatMap((r) => r.result.held.map((h, i) => [heldKeys.get(r.code)![i], h.reason] as const)));
  // Only the events whose hold changed (usually none): the rows were read in this transaction.
  const holds = rows
    .map((r) => ({ event_id: r.event_id, id_space: r.id_space, reason: held.get(storedKey(r)) ?? null, before: r.held_reason }))
    .filter((r) => r.reason !== r.before);
  if (holds.length) {
    await em.query(
      `UPDATE sync_event s SET held_reason = r.reason
         FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, id_space text, reason text)
        WHERE s.event_id = r.event_id AND s.id_space = r.id_space`,
      [JSON.stringify(holds.map(({ event_id, id_space, reason }) => ({ event_id, id_space, reason })))],
    );
  }
  return heldKeys;
}

/** A dossier as stored before this import. */
interface StoredDossier {
  code: string;
  managed_by_sync: boolean;
  path: string;
  agency_id: number;
  received_at: Date;
  completed_at: Date | null;
  closed_at: Date | null;
}

/**
 * What the index and subscribers hear about one rebuilt dossier: its times now and, when it
 * was stored before, then. A late event can move any of them, and an earlier receipt that
 * arrived late can move the dossier to another agency: the periods that counted it before are
 * recounted too, or their stored figures would keep counting it.
 */
function syncedDossier(r: Replayed, before: StoredDossier | undefined): DossiersSynced['dossiers'][number] {
  const synced = { dossierId: r.dossierId!, ...r.times! };
  if (!before) return synced;
  return {
    ...synced,
    before: { agencyId: Number(before.agency_id), receivedAt: before.received_at, completedAt: before.completed_at, closedAt: before.closed_at },
  };
}

interface Replayed {
  code: string;
  result: ReplayResult;
  /** Its held events, by `storedKey`. */
  heldKeys: string[];
  dossierId?: string;
  /** The instants that decide which index periods count the dossier. */
  times?: DossierTimes;
}

/** Why an event cannot be stored given what exists (its dossier, agencies, procedures); null when it can. */
function referenceProblem(
  e: ValidEvent,
  dossier: StoredDossier | undefined,
  agencies: Map<string, Agency>,
  procedures: Map<string, Procedure>,
  importer: Viewer,
): { code: ErrorCode; message: string; field: string } | null {
  const problem = (code: ErrorCode, message: string, field: string) => ({ code, message, field });
  if (dossier && !canSeeAgencyPath(importer, dossier.path))
    return problem(ErrorCode.NOT_FOUND, `No dossier ${e.dossierCode} in your agency's scope.`, 'dossierCode');
  if (dossier && !dossier.managed_by_sync)
    return problem(ErrorCode.CONFLICT, `Dossier ${e.dossierCode} is kept through this API's lifecycle mutations, not by sync.`, 'dossierCode');
  if (e.kind === DossierEventKind.RECEIVED) {
    const agency = agencies.get(e.payload.agencyCode!);
    if (!agency) return problem(ErrorCode.NOT_FOUND, `No agency ${e.payload.agencyCode}.`, 'agencyCode');
    if (!canSeeAgencyPath(importer, agency.path))
      return problem(ErrorCode.FORBIDDEN, `Your token's agency does not cover agency ${agency.code}.`, 'agencyCode');
    if (!procedures.has(e.payload.procedureCode!)) return problem(ErrorCode.NOT_FOUND, `No procedure ${e.payload.procedureCode}.`, 'procedureCode');
  }
  if (e.kind === DossierEventKind.TRANSFERRED && !agencies.has(e.payload.toAgencyCode!))
    return problem(ErrorCode.NOT_FOUND, `No agency ${e.payload.toAgencyCode}.`, 'toAgencyCode');
  return null;
}

function differentRepeat(e: PlacedEvent, earlier: string): string {
  return `Event id ${e.eventId} (id space ${e.idSpace}) is already taken by ${earlier}, with a different kind, dossier, time or content: an agency system gives each event its own id.`;
}

/** An event's identity: its id in its id space. */
function placedKey(e: { eventId: string; idSpace: string }): string {
  return `${e.idSpace}/${e.eventId}`;
}

function storedKey(r: { event_id: string; id_space: string }): string {
  return `${r.id_space}/${r.event_id}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The ids a dossier's events go by in its replay: their own, unless two of its events share
 * one from different id spaces (a free-form code imported by two agencies' tokens), which
 * then carry their id space too, so the replay can tell them apart.
 */
function replayIds(rows: StoredEventRow[]): Map<StoredEventRow, string> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.event_id, (counts.get(r.event_id) ?? 0) + 1);
  return new Map(rows.map((r) => [r, counts.get(r.event_id)! > 1 ? `${r.event_id} (${r.id_space})` : r.event_id]));
}

function toSyncedEvent(
  row: StoredEventRow,
  replayId: string,
  agencies: Map<string, Agency>,
  procedures: Map<string, Procedure>,
  commitments: ServiceCommitment[],
  calendar: WorkingCalendar,
): SyncedEvent {
  const occurredAt = new Date(row.occurred_at);
  const p = row.payload;
  const event: SyncedEvent = {
    eventId: replayId,
    kind: row.kind,
    occurredAt,
    reason: p.reason ?? null,
    electronicResult: p.electronicResult,
    importerPath: row.importer_path,
  };
  if (row.kind === DossierEventKind.RECEIVED) {
    const agency = agencies.get(p.agencyCode!);
    const procedure = procedures.get(p.procedureCode!);
    if (agency && procedure) {
      const own = commitments.filter((c) => c.agencyId === agency.databaseId && c.procedureId === procedure.databaseId);
      const { dueAt, processingDays } = dueAtReceipt({
        calendar,
        receivedAt: occurredAt,
        processingDays: procedure.processingDays,
        hours: agency.officeHours,
        commitments: own,
      });
      event.receipt = {
        agencyId: agency.databaseId,
        agencyPath: agency.path,
        procedureId: procedure.databaseId,
        processingDays,
        dueAt,
        hours: agency.officeHours,
      };
    }
  }
  if (row.kind === DossierEventKind.TRANSFERRED) {
    const target = agencies.get(p.toAgencyCode!);
    if (target) event.transferTo = { agencyId: target.databaseId, code: target.code };
  }
  if (p.newAppointmentAt) event.newAppointmentAt = new Date(p.newAppointmentAt);
  return event;
}

/**
 * Random secrets for receipts that came without one, cut from one buffer per call: one
 * `randomBytes` per event would cost a system call each.
 */
function secretSource(count: number): () => string {
  const SIZE = 12;
  const bytes = randomBytes(SIZE * count);
  let next = 0;
  return () => bytes.subarray(SIZE * next, SIZE * ++next).toString('base64url');
}

function payloadOf(e: ImportEventInput, unknownSecret: () => string): SyncEventPayload {
  const payload: SyncEventPayload = {};
  if (e.kind === DossierEventKind.RECEIVED) {
    Object.assign(payload, {
      procedureCode: e.procedureCode!,
      agencyCode: e.agencyCode!,
      channel: e.channel!,
      applicantKind: e.applicant!.kind,
      applicantName: e.applicant!.name.trim(),
      applicantIdNumber: e.applicant!.idNumber.trim(),
      applicantPhone: e.applicant!.phone ?? null,
      applicantAddress: e.applicant!.address ?? null,
      // Without a secret from the agency system, none is known: the applicant follows the
      // dossier through that system, which holds its own.
      lookupSecretHash: hashLookupSecret(e.lookupSecret ?? unknownSecret()),
      digitizedAtReceipt: e.digitizedAtReceipt ?? false,
      reusedDigitizedData: e.reusedDigitizedData ?? false,
      feePaidOnline: e.feePaidOnline ?? false,
      transferredIn: e.transferredIn ?? false,
    });
  }
  if (e.reason) payload.reason = e.reason;
  if (e.kind === DossierEventKind.COMPLETED) payload.electronicResult = e.electronicResult ?? false;
  if (e.toAgencyCode) payload.toAgencyCode = e.toAgencyCode;
  if (e.newAppointmentAt) payload.newAppointmentAt = e.newAppointmentAt.toISOString();
  return payload;
}

/** `known` with the entities of `codes` it lacks, read in one query (none when it lacks none). */
async function withMissing<E extends { code: string }>(
  known: Map<string, E>,
  codes: string[],
  read: (missing: string[]) => Promise<E[]>,
): Promise<Map<string, E>> {
  const missing = codes.filter((code) => !known.has(code));
  if (!missing.length) return known;
  const all = new Map(known);
  for (const entity of await read(missing)) all.set(entity.code, entity);
  return all;
}

function unique<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
