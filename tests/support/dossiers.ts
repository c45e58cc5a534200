import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApplicantKind, DossierChannel, DossierEventKind } from '../../src/domain/enums';
import { DossierStatus } from '../../src/domain/lifecycle';
import { Agency, Dossier, DossierEvent, Procedure } from '../../src/entities';

export interface DossierSpec {
  prefix: string;
  agency: Agency;
  procedure: Procedure;
  count: number;
  /** Receipt of the first dossier; each next one an hour later. */
  firstReceivedAt?: Date;
  channel?: (i: number) => DossierChannel;
  status?: (i: number) => DossierStatus;
  /** Events per dossier (RECEIVED plus this many PROCESSING_STARTED-like steps). */
  extraEvents?: number;
}

/**
 * Inserts dossiers with a history straight into the database, for tests about reading
 * (lists, scoping, statement counts) that need volume rather than the lifecycle.
 */
export async function createDossiers(dataSource: DataSource, spec: DossierSpec): Promise<Dossier[]> {
  const first = spec.firstReceivedAt ?? new Date('2025-03-03T08:00:00+07:00');
  const rows = Array.from({ length: spec.count }, (_, k) => {
    const i = k + 1;
    const receivedAt = new Date(first.getTime() + k * 3_600_000);
    const dueAt = new Date(receivedAt.getTime() + 3 * 86_400_000);
    return dataSource.getRepository(Dossier).create({
      code: `${spec.prefix}-${i}`,
      procedureId: spec.procedure.databaseId,
      agencyId: spec.agency.databaseId,
      channel: spec.channel?.(i) ?? DossierChannel.ONLINE,
      status: spec.status?.(i) ?? DossierStatus.PROCESSING,
      applicantKind: ApplicantKind.CITIZEN,
      applicantName: `Người nộp ${spec.prefix} ${i}`,
      applicantIdNumber: String(1e11 + i),
      lookupSecretHash: createHash('sha256').update(`secret-${spec.prefix}-${i}`).digest('hex'),
      receivedAt,
      processingDays: spec.procedure.processingDays,
      baseDueAt: dueAt,
      dueAt,
    });
  });
  const saved = await dataSource.getRepository(Dossier).save(rows, { chunk: 200 });
  const events = saved.flatMap((d) => [
    {
      dossierId: d.databaseId,
      kind: DossierEventKind.RECEIVED,
      fromStatus: null,
      toStatus: DossierStatus.RECEIVED,
      actor: 'officer-seed',
      actorAgencyId: d.agencyId,
      occurredAt: d.receivedAt,
    },
    ...Array.from({ length: spec.extraEvents ?? 1 }, (_, j) => ({
      dossierId: d.databaseId,
      kind: DossierEventKind.PROCESSING_STARTED,
      fromStatus: DossierStatus.RECEIVED,
      toStatus: DossierStatus.PROCESSING,
      actor: 'officer-seed',
      actorAgencyId: d.agencyId,
      occurredAt: new Date(d.receivedAt.getTime() + (j + 1) * 60_000),
    })),
  ]);
  await dataSource.getRepository(DossierEvent).insert(events);
  return saved;
}

export interface BulkDossiers {
  /** Unique code prefix; codes are `${prefix}-${n}`. */
  prefix: string;
  agencyId: number;
  procedureId: number;
  count: number;
  receivedAt: string;
  dueAt?: string;
  status?: DossierStatus;
  channel?: DossierChannel;
  completedAt?: string;
  completionTimeliness?: 'EARLY' | 'ON_TIME' | 'LATE';
  transferredIn?: boolean;
  digitizedAtReceipt?: boolean;
  synced?: boolean;
  historyComplete?: boolean;
  electronicResult?: boolean;
  apologyIssuedAt?: string;
}

/**
 * Inserts many identical dossiers in one statement (generate_series), for index tests that
 * rebuild published figures of hundreds of thousands of dossiers in a second or two.
 */
export async function insertBulkDossiers(dataSource: DataSource, b: BulkDossiers): Promise<void> {
  const closed = b.completedAt ? 'completedAt' : null;
  await dataSource.query(
    `INSERT INTO dossier (code, procedure_id, agency_id, channel, status, applicant_kind, applicant_name, applicant_id_number, lookup_secret_hash,
                          received_at, processing_days, base_due_at, due_at, completed_at, closed_at, completion_timeliness, transferred_in,
                          digitized_at_receipt, synced_to_national_portal, history_complete, electronic_result, apology_issued_at, version)
     SELECT $1 || '-' || n, $2, $3, $4, $5, 'CITIZEN', 'Người nộp', '001090000000', repeat('0', 64),
            $6, 3, $7, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15, 1
       FROM generate_series(1, $16) AS n`,
    [
      b.prefix,
      b.procedureId,
      b.agencyId,
      b.channel ?? DossierChannel.ONLINE,
      b.status ?? (closed ? DossierStatus.COMPLETED : DossierStatus.PROCESSING),
      b.receivedAt,
      b.dueAt ?? b.receivedAt,
      b.completedAt ?? null,
      b.completionTimeliness ?? null,
      b.transferredIn ?? false,
      b.digitizedAtReceipt ?? false,
      b.synced ?? false,
      b.historyComplete ?? false,
      b.electronicResult ?? false,
      b.apologyIssuedAt ?? null,
      b.count,
    ],
  );
}
