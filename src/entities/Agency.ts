import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OfficeHours } from '../domain/calendar';
import { AgencyKind } from '../domain/enums';
import { Node, NODE_TYPE } from '../schema/node';
import { LocalDateScalar } from '../schema/scalars';

/**
 * A ministry, province, department, district or commune. Since 1 July 2025 local government
 * has two levels (Resolution 202/2025/QH15: 34 provinces; Law on Local Government 2025:
 * districts abolished), so structure carries validity dates: an agency exists in
 * [validFrom, validTo), keeps the parent it had, and points to its successor when merged.
 * Old periods therefore still rank the 63 provinces as they were.
 */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'A government agency that receives and settles dossiers.' })
@Entity()
@Index(['kind', 'parentId'])
export class Agency extends Node {
  @PrimaryGeneratedColumn({ name: 'id' })
  databaseId: number;

  protected get nodeType() {
    return 'Agency' as const;
  }

  @Field({ description: 'Stable public code, e.g. "HNI" for Ha Noi or "HNI-STP" for its Department of Justice.' })
  @Column({ type: 'varchar', length: 40, unique: true })
  code: string;

  @Field({ description: 'Official name, in Vietnamese.' })
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Field(() => AgencyKind, { description: 'Level of the agency: ministry, province, department, district or commune.' })
  @Column({ type: 'enum', enum: AgencyKind, enumName: 'agency_kind' })
  kind: AgencyKind;

  @Column({ type: 'int', nullable: true })
  parentId: number | null;

  @ManyToOne(() => Agency, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Agency | null;

  /**
   * Materialised path of codes from the root ("/HNI/HNI-STP/"), so "this agency and its
   * descendants" is one indexed prefix match instead of a recursive query per request.
   */
  @Index()
  @Column({ type: 'varchar', length: 400, collation: 'C' })
  path: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day (local date) the agency exists; null = before records begin.' })
  @Column({ type: 'date', nullable: true })
  validFrom: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day (local date) the agency no longer exists (exclusive end); null = still exists.' })
  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'int', nullable: true })
  successorId: number | null;

  @ManyToOne(() => Agency, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'successor_id' })
  successor?: Agency | null;

  @Field(() => String, { nullable: true, description: 'Own office opening time ("07:30") where it differs from the national 08:00.' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  officeStart: string | null;

  @Field(() => String, { nullable: true, description: 'Own office closing time ("16:30") where it differs from the national 17:00.' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  officeEnd: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** The agency's own office hours, or undefined to use the national ones. */
  get officeHours(): OfficeHours | undefined {
    return this.officeStart && this.officeEnd ? { start: this.officeStart, end: this.officeEnd } : undefined;
  }
}
