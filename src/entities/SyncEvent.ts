import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { DossierEventKind } from '../domain/enums';

/** What an imported event carries beyond its kind and time, as the agency system sent it. */
export interface SyncEventPayload {
  procedureCode?: string;
  agencyCode?: string;
  channel?: string;
  applicantKind?: string;
  applicantName?: string;
  applicantIdNumber?: string;
  applicantPhone?: string | null;
  applicantAddress?: string | null;
  /** SHA-256 of the lookup secret, never the secret. */
  lookupSecretHash?: string;
  digitizedAtReceipt?: boolean;
  reusedDigitizedData?: boolean;
  feePaidOnline?: boolean;
  transferredIn?: boolean;
  reason?: string | null;
  electronicResult?: boolean;
  toAgencyCode?: string;
  newAppointmentAt?: string;
}

/**
 * The ingestion log of events pushed by agency systems (importDossierEvents): one row per
 * event id in its id space (`eventIdSpace` in src/domain/sync-identity.ts), the first copy kept. It is the source the synced dossiers are
 * replayed from; `dossier_event` rows of synced dossiers are its applied projection. Rows
 * here are never updated except for `heldReason`, recomputed at each replay.
 */
@ObjectType({ description: 'An event an agency system pushed through importDossierEvents (its personal data is not exposed here).' })
@Entity()
@Index('sync_event_dossier', ['dossierCode', 'occurredAt'])
@Index('sync_event_held', ['importerPath'], { where: 'held_reason IS NOT NULL' })
export class SyncEvent {
  @Field({ description: 'The agency whose id space eventId belongs to: the agency the dossier code names, else the importing token’s agency.' })
  @PrimaryColumn({ type: 'varchar', length: 40 })
  idSpace: string;

  @Field({ description: 'The id the agency system gave the event, unique within idSpace.' })
  @PrimaryColumn({ type: 'varchar', length: 100 })
  eventId: string;

  @Field({ description: 'Code of the dossier it is about.' })
  @Column({ type: 'varchar', length: 60 })
  dossierCode: string;

  @Field(() => DossierEventKind, { description: 'What happened.' })
  @Column({ type: 'enum', enum: DossierEventKind, enumName: 'dossier_event_kind' })
  kind: DossierEventKind;

  @Field(() => Date, { description: 'When it happened, per the agency system.' })
  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'jsonb' })
  payload: SyncEventPayload;

  /** Agency path of the token that imported it: who may see it while it waits for a receipt. */
  @Column({ type: 'varchar', length: 400, collation: 'C' })
  importerPath: string;

  @Column({ type: 'varchar', length: 100 })
  importedBy: string;

  /** Why the event does not apply yet (no receipt, a step missing before it); null once applied. */
  @Field(() => String, { nullable: true, description: 'Why it does not apply yet (no receipt, a step missing before it); null once applied.' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  heldReason: string | null;

  @Field(() => Date, { description: 'When this API stored it.' })
  @CreateDateColumn({ type: 'timestamptz' })
  importedAt: Date;
}
