import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AlertKind } from '../domain/enums';

/**
 * The durable alert log (docs/SPEC.md §4): every alert is inserted in the transaction of the change
 * that caused it (transactional outbox). `seq` is the cursor clients resume from; it is
 * assigned after commit by the single sequencer in commit order, so an alert that commits
 * later always gets a larger cursor than one a client has already seen.
 */
@Entity()
@Index('alert_pending', ['databaseId'], { where: 'seq IS NULL' })
// `alerts(since:)` finds its first cursor among the alerts of a window of days: index-only.
@Index('alert_created_at', ['createdAt', 'seq'])
export class Alert {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  databaseId: string;

  /** Commit-ordered cursor; null until sequenced (never delivered before). */
  @Column({ type: 'bigint', nullable: true, unique: true })
  seq: string | null;

  @Column({ type: 'enum', enum: AlertKind, enumName: 'alert_kind' })
  kind: AlertKind;

  @Column({ type: 'int' })
  agencyId: number;

  /** The agency's path, so subscribers filter by scope without a join. */
  @Column({ type: 'varchar', length: 400, collation: 'C' })
  agencyPath: string;

  @Column({ type: 'bigint', nullable: true })
  dossierId: string | null;

  @Column({ type: 'bigint', nullable: true })
  feedbackId: string | null;

  /** Makes "once per dossier and kind" hold even if two scanners race: the last guard. */
  @Column({ type: 'varchar', length: 200, nullable: true, unique: true })
  dedupeKey: string | null;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', nullable: true })
  data: Record<string, string | number | boolean | null> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
