import { DataSource } from 'typeorm';
import type { Viewer } from '../auth/access';
import { ApplicantKind, DossierChannel, DossierEventKind, Role } from '../domain/enums';
import { ImportEventInput, MAX_IMPORT_BATCH, SyncService } from '../services/sync-service';
import { generateHistories } from './sync-histories';

/** Dossiers generated per round: about 3.4 events each, so one import call of ≤ 5,000 events. */
const DOSSIERS_PER_CALL = 1400;

/**
 * Dossiers pushed as agency systems push them: generated histories imported through
 * SyncService.importEvents, the path importDossierEvents and `npm run import` use, in calls
 * of up to 5,000 events. Spread over the departments and communes valid today.
 */
export async function seedSyncedDossiers(
  dataSource: DataSource,
  sync: SyncService,
  options: { dossiers: number; seed: number; log?: (message: string) => void },
): Promise<{ dossiers: number; events: number; milliseconds: number }> {
  const started = Date.now();
  const agencies: { code: string }[] = await dataSource.query(
    `SELECT code FROM agency WHERE kind IN ('DEPARTMENT', 'COMMUNE') AND (valid_to IS NULL OR valid_to > now()) ORDER BY code`,
  );
  const procedures: { code: string }[] = await dataSource.query(`SELECT code FROM procedure ORDER BY code`);
  if (!agencies.length || !procedures.length)
    throw new Error('Seed agencies and procedures first (run the seed without --dossiers 0 --reset on an empty database).');
  const admin: Viewer = { sub: 'seed', role: Role.ADMIN, agencyCode: agencies[0].code, agencyPath: '/' };
  let events = 0;
  let lastLog = 0;
  for (let first = 0; first < options.dossiers; first += DOSSIERS_PER_CALL) {
    const { events: batch } = generateHistories({
      prefix: 'SYNC',
      dossiers: Math.min(DOSSIERS_PER_CALL, options.dossiers - first),
      firstNumber: first,
      agencyCodes: agencies.map((a) => a.code),
      procedureCodes: procedures.map((p) => p.code),
      seed: options.seed,
    });
    for (let i = 0; i < batch.length; i += MAX_IMPORT_BATCH) {
      const outcome = await sync.importEvents(admin, batch.slice(i, i + MAX_IMPORT_BATCH).map(toInput));
      if (outcome.rejected) throw new Error(`Generated events were refused: ${JSON.stringify(outcome.errors.slice(0, 3))}`);
    }
    events += batch.length;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      const seconds = (Date.now() - started) / 1000;
      options.log?.(
        `    synced dossiers: ${Math.min(first + DOSSIERS_PER_CALL, options.dossiers).toLocaleString('en')} / ${options.dossiers.toLocaleString('en')} (${Math.round(events / seconds).toLocaleString('en')} events/s)`,
      );
    }
  }
  return { dossiers: options.dossiers, events, milliseconds: Date.now() - started };
}

function toInput(e: ReturnType<typeof generateHistories>['events'][number]): ImportEventInput {
  const applicant = e.applicant as { kind: string; name: string; idNumber: string } | undefined;
  return {
    eventId: e.eventId,
    dossierCode: e.dossierCode,
    kind: e.kind as DossierEventKind,
    occurredAt: new Date(e.occurredAt),
    procedureCode: (e.procedureCode as string | undefined) ?? null,
    agencyCode: (e.agencyCode as string | undefined) ?? null,
    channel: (e.channel as DossierChannel | undefined) ?? null,
    applicant: applicant ? { kind: applicant.kind as ApplicantKind, name: applicant.name, idNumber: applicant.idNumber } : null,
    feePaidOnline: (e.feePaidOnline as boolean | undefined) ?? null,
    reason: (e.reason as string | undefined) ?? null,
    electronicResult: (e.electronicResult as boolean | undefined) ?? null,
  };
}
