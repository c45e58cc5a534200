import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { OnlineLevel, ProcedureLevel } from '../domain/enums';
import { Node, NODE_TYPE } from '../schema/node';
import { LocalDateScalar } from '../schema/scalars';
import { Agency } from './Agency';

/** An administrative procedure (thủ tục hành chính) of the national catalogue. */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'An administrative procedure (thủ tục hành chính) from the national catalogue.' })
@Entity()
export class Procedure extends Node {
  @PrimaryGeneratedColumn({ name: 'id' })
  databaseId: number;

  protected get nodeType() {
    return 'Procedure' as const;
  }

  @Field({ description: 'National code in the National Database on Administrative Procedures, e.g. "1.004227".' })
  @Column({ type: 'varchar', length: 40, unique: true })
  code: string;

  @Field({ description: 'Official name, in Vietnamese.' })
  @Column({ type: 'varchar', length: 500 })
  name: string;

  @Field({ description: 'Field (lĩnh vực), e.g. "Hộ tịch" (civil status).' })
  @Column({ type: 'varchar', length: 200 })
  field: string;

  @Field(() => ProcedureLevel, { description: 'Level of government that carries out the procedure.' })
  @Column({ type: 'enum', enum: ProcedureLevel, enumName: 'procedure_level' })
  level: ProcedureLevel;

  @Field(() => Int, { description: 'Legal processing time in working days (0 = settled the day of receipt).' })
  @Column({ type: 'int' })
  processingDays: number;

  @Field(() => Int, { description: 'Fee in VND; 0 when the procedure is free.' })
  @Column({ type: 'int', default: 0 })
  feeVnd: number;

  @Field({ description: 'Whether the fee can be paid online (only meaningful when feeVnd > 0).' })
  @Column({ type: 'boolean', default: false })
  acceptsOnlinePayment: boolean;

  @Field(() => OnlineLevel, { description: 'How far the procedure is offered online.' })
  @Column({ type: 'enum', enum: OnlineLevel, enumName: 'online_level' })
  onlineLevel: OnlineLevel;

  @Field({ description: 'Whether the law allows offering this procedure online at all.' })
  @Column({ type: 'boolean', default: true })
  onlineEligible: boolean;

  @Field({ description: 'Number of the decision that announced the procedure, e.g. "1234/QĐ-BTP".' })
  @Column({ type: 'varchar', length: 100 })
  announcingDecision: string;

  @Field(() => LocalDateScalar, { description: 'Local date the announcing decision was signed.' })
  @Column({ type: 'date' })
  announcedOn: string;

  @Field(() => Date, { nullable: true, description: 'When the procedure was published in the National Database; null = not yet.' })
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Agencies that announced this procedure in their own list. */
  @ManyToMany(() => Agency)
  @JoinTable({ name: 'agency_procedure', joinColumn: { name: 'procedure_id' }, inverseJoinColumn: { name: 'agency_id' } })
  agencies?: Agency[];
}
