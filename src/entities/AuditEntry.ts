import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuditAction } from '../domain/enums';

/**
 * Every administrative change (calendar, index recompute and finality; method and agency
 * structure when they become editable), written in the transaction that made it: who, when,
 * what it was before and after. A deadline computed last month can be explained today.
 */
@ObjectType({ description: 'One administrative change: who, when, before and after (ADMIN).' })
@Entity()
@Index('audit_entry_at', ['at'])
@Index('audit_entry_action_at', ['action', 'at'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Field(() => AuditAction, { description: 'What was done.' })
  @Column({ type: 'varchar', length: 60 })
  action: AuditAction;

  @Field({ description: 'Token subject of the administrator who did it.' })
  @Column({ type: 'varchar', length: 100 })
  actor: string;

  @Field({ description: 'What it was done to, e.g. "calendar:2025-09-02" or "period:2024-09".' })
  @Column({ type: 'varchar', length: 200 })
  target: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'State before the change (null when it created something).' })
  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'State after the change (null when it removed something).' })
  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Field(() => Date, { description: 'When.' })
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  at: Date;
}
