import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Counters of one agency's own rows (not its descendants) in one period: the unit of incremental updates. */
@Entity()
export class AgencyPeriodCounters {
  @PrimaryColumn({ type: 'int' })
  agencyId: number;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  period: string;

  @Column({ type: 'jsonb' })
  counters: Record<string, number>;

  @Column({ type: 'timestamptz' })
  computedAt: Date;

  /**
   * The snapshot (pg_snapshot, as text) of the statement that last counted this agency's
   * receipts in the period. A new receipt is added to the stored figures only if its
   * transaction is not visible in it: otherwise that count already holds it.
   */
  @Column({ type: 'text', nullable: true })
  receiptsCountedIn: string | null;

  /**
   * The `computedAt` of the write that stored `receiptsCountedIn`: the snapshot is trusted
   * only while the two match. A writer that knows nothing of the snapshot (an older version
   * during a rolling deploy) changes the counters and `computedAt` but not this column.
   */
  @Column({ type: 'timestamptz', nullable: true })
  receiptsCountedAt: Date | null;
}

/**
 * A materialised scorecard: one agency (with its descendants) in one period, ranked among its
 * peers. Deltas against the previous period are derived when read, so recomputing one period
 * never forces recomputing the one before.
 */
@Entity()
@Index('scorecard_period_peers', ['period', 'peerGroup'])
export class ScorecardRecord {
  @PrimaryColumn({ type: 'int' })
  agencyId: number;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  period: string;

  @Column({ type: 'varchar', length: 40 })
  methodKey: string;

  /**
   * Peers it ranks among: "PROVINCE", "MINISTRY", or "DEPARTMENT:HNI" inside a province; null
   * for an agency that no longer existed at the period's end (scored, not ranked).
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  peerGroup: string | null;

  @Column({ type: 'double precision', nullable: true })
  total: number | null;

  @Column({ type: 'int', nullable: true })
  rank: number | null;

  @Column({ type: 'int', nullable: true })
  rankOutOf: number | null;

  @Column({ type: 'int' })
  overdueBacklog: number;

  /** Counters of the agency and its descendants: numerators and denominators of every criterion. */
  @Column({ type: 'jsonb' })
  counters: Record<string, number>;

  @Column({ type: 'timestamptz' })
  computedAt: Date;
}
