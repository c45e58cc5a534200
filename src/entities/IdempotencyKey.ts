import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A client's idempotency key (as Stripe's and Shopify's APIs take one): the first call with a
 * key does the work, a retry with the same key and the same request returns what the first
 * produced instead of doing it again. Keys belong to the token's subject.
 */
@Entity()
export class IdempotencyKey {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  subject: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  /** The mutation, e.g. "START_PROCESSING" or "submitFeedback". */
  @Column({ type: 'varchar', length: 60 })
  operation: string;

  /** What it acted on: a dossier or feedback code, or a digest of the request that creates one. */
  @Column({ type: 'varchar', length: 100 })
  target: string;

  /** Code of the record the first call produced, returned to retries. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  result: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
