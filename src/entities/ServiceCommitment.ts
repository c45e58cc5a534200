import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ServiceCommitmentKind } from '../domain/enums';
import { Node, NODE_TYPE } from '../schema/node';
import { LocalDateScalar } from '../schema/scalars';
import { Agency } from './Agency';
import { Procedure } from './Procedure';

/**
 * An agency's public promise to do better than the law for a procedure (docs/SPEC.md §2): fewer
 * working days, or "Friday without waiting" (Thứ Sáu không chờ). The due time is the earlier
 * of the legal one and every commitment in force at receipt.
 */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'An agency’s commitment to settle a procedure faster than the law requires.' })
@Entity()
@Index(['agencyId', 'procedureId'])
export class ServiceCommitment extends Node {
  @PrimaryGeneratedColumn({ name: 'id' })
  databaseId: number;

  protected get nodeType() {
    return 'ServiceCommitment' as const;
  }

  @Column({ type: 'int' })
  agencyId: number;

  @ManyToOne(() => Agency, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency;

  @Column({ type: 'int' })
  procedureId: number;

  @ManyToOne(() => Procedure, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'procedure_id' })
  procedure?: Procedure;

  @Field(() => ServiceCommitmentKind, { description: 'What the agency commits to.' })
  @Column({ type: 'enum', enum: ServiceCommitmentKind, enumName: 'service_commitment_kind' })
  kind: ServiceCommitmentKind;

  @Field(() => Int, { nullable: true, description: 'Committed working days (MAX_WORKING_DAYS).' })
  @Column({ type: 'int', nullable: true })
  workingDays: number | null;

  @Field(() => String, { nullable: true, description: 'Friday cut-off time, "15:30" (FRIDAY_WITHOUT_WAITING).' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  cutoff: string | null;

  @Field(() => String, { nullable: true, description: 'Due time on the next working day for Friday dossiers after the cut-off, "09:00".' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  nextDayAt: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day the commitment applies; null = always.' })
  @Column({ type: 'date', nullable: true })
  validFrom: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day it no longer applies (exclusive); null = still in force.' })
  @Column({ type: 'date', nullable: true })
  validTo: string | null;
}
