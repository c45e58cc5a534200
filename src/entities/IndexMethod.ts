import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A versioned scoring method (docs/INDEX_METHOD.md: "the method is data"): groups and criteria
 * with their maximum points and the counters feeding each criterion. Code knows how to count
 * a counter; it never holds a weight.
 */
@Entity()
export class IndexMethod {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  key: string;

  @Column({ type: 'varchar', length: 300 })
  name: string;
}

@Entity()
export class IndexMethodGroup {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  methodKey: string;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  key: string;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'numeric', precision: 6, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  maxPoints: number;

  @Column({ type: 'int' })
  position: number;
}

@Entity()
export class IndexMethodCriterion {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  methodKey: string;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  key: string;

  @Column({ type: 'varchar', length: 60 })
  groupKey: string;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'numeric', precision: 6, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  maxPoints: number;

  @Column({ type: 'varchar', length: 60 })
  numeratorCounter: string;

  @Column({ type: 'varchar', length: 60 })
  denominatorCounter: string;

  @Column({ type: 'int' })
  position: number;
}

/** A scoring period and the method it is scored with; final once closed to late data. */
@Entity()
export class IndexPeriod {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  period: string;

  @Column({ type: 'varchar', length: 40 })
  methodKey: string;

  /** Set by an admin's command, or implied 10 working days after the period's end. */
  @Column({ type: 'timestamptz', nullable: true })
  finalizedAt: Date | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  finalizedBy: string | null;

  /** Late data arrived after the period was computed as final: recompute and reopen. */
  @Column({ type: 'boolean', default: false })
  reopened: boolean;
}

/**
 * A period whose first computation is under way, committed before it starts counting. A change
 * committed while the count runs is not in it, and with no `index_period` row yet the
 * incremental updates of every instance would skip the period: listed here, they wait for the
 * computation's lock and then recount. The computation removes the row when it commits; a row
 * left by a computation that died costs an update a lookup, until the next computation.
 */
@Entity()
export class IndexPeriodComputing {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  period: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;
}
