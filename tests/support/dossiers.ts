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
    { dossierId: d.databaseId, kind: DossierEventKind.RECEIVED, fromStatus: null, toStatus: DossierStatus.RECEIVED, actor: 'officer-seed', actorAgencyId: d.agencyId, occurredAt: d.receivedAt },
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
