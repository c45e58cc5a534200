import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DossierEventKind } from '../domain/enums';
import { DossierStatus } from '../domain/lifecycle';
import { Node, NODE_TYPE } from '../schema/node';
import { Agency } from './Agency';
import { Dossier } from './Dossier';

/** Extra facts an event carries, as JSON scalars. */
export type DossierEventDetails = Record<string, string | number | boolean | null>;

/**
 * An append-only record of one change to a dossier (docs/SPEC.md §2). Nothing updates or deletes rows
 * here; the history is what the index's electronic-tracking criterion and delay
 * accountability read.
 */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'One change in a dossier’s life: append-only.' })
@Entity()
@Index('dossier_event_dossier_time', ['dossierId', 'occurredAt'])
export class DossierEvent extends Node {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  databaseId: string;

  protected get nodeType() {
    return 'DossierEvent' as const;
  }

  /**
   * The id the agency system gave a synced event. Unique only within its id space (see
   * `sync_event`, the key of idempotent sync), so not unique here.
   */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalId: string | null;

  @Column({ type: 'bigint' })
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Field(() => DossierEventKind, { description: 'What happened.' })
  @Column({ type: 'enum', enum: DossierEventKind, enumName: 'dossier_event_kind' })
  kind: DossierEventKind;

  @Field(() => DossierStatus, { nullable: true, description: 'Status before the change; null for receipt.' })
  @Column({ type: 'enum', enum: DossierStatus, enumName: 'dossier_event_status', nullable: true })
  fromStatus: DossierStatus | null;

  @Field(() => DossierStatus, { description: 'Status after the change.' })
  @Column({ type: 'enum', enum: DossierStatus, enumName: 'dossier_event_status' })
  toStatus: DossierStatus;

  /** The officer (token subject) who made the change: personal data of officials. */
  @Column({ type: 'varchar', length: 100 })
  actor: string;

  /** The unit that held the dossier when the change was made (delay accountability). */
  @Column({ type: 'int' })
  actorAgencyId: number;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_agency_id' })
  actorAgency?: Agency;

  @Field(() => String, { nullable: true, description: 'Reason given (supplement requested, rejection, transfer, apology).' })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** What else the change carried: new appointment, transfer target, electronic result. */
  @Column({ type: 'jsonb', nullable: true })
  details: DossierEventDetails | null;

  @Field(() => Date, { description: 'When the change happened.' })
  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Field(() => Date, { description: 'When this API recorded it (later than occurredAt for synced events).' })
  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}
