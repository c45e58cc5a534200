import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SatisfactionLevel } from '../domain/enums';
import { Node, NODE_TYPE } from '../schema/node';
import { Agency } from './Agency';
import { Procedure } from './Procedure';

/** Feedback or a recommendation (phản ánh, kiến nghị) about an agency's handling of procedures. */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'Feedback or a recommendation (phản ánh, kiến nghị) about an agency.' })
@Entity()
@Index('feedback_agency_received', ['agencyId', 'receivedAt'])
@Index('feedback_open_due', ['dueAt'], { where: 'answered_at IS NULL' })
@Index('feedback_overdue_scan', ['dueAt'], { where: 'answered_at IS NULL AND overdue_alerted_at IS NULL' })
export class Feedback extends Node {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  databaseId: string;

  protected get nodeType() {
    return 'Feedback' as const;
  }

  @Field({ description: 'Feedback code given to the sender.' })
  @Column({ type: 'varchar', length: 60, unique: true })
  code: string;

  @Column({ type: 'int' })
  agencyId: number;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency;

  @Column({ type: 'int', nullable: true })
  procedureId: number | null;

  @ManyToOne(() => Procedure, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'procedure_id' })
  procedure?: Procedure | null;

  @Field({ description: 'Short subject.' })
  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Field({ description: 'What the sender reported.' })
  @Column({ type: 'text' })
  content: string;

  /** Personal data of the sender. */
  @Column({ type: 'varchar', length: 200 })
  senderName: string;

  /** Phone or e-mail of the sender: personal data. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  senderContact: string | null;

  @Field(() => Date, { description: 'When the agency received the feedback.' })
  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Field(() => Date, { description: 'When an answer is due (working days from receipt).' })
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the answer was sent; null while unanswered.' })
  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The answer sent to the sender.' })
  @Column({ type: 'text', nullable: true })
  answer: string | null;

  /** Officer who answered: personal data of officials. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  answeredBy: string | null;

  @Field(() => SatisfactionLevel, { nullable: true, description: 'The sender’s satisfaction with the answer.' })
  @Column({ type: 'enum', enum: SatisfactionLevel, enumName: 'satisfaction_level', nullable: true })
  satisfaction: SatisfactionLevel | null;

  /** When FEEDBACK_OVERDUE was raised (once per feedback). */
  @Column({ type: 'timestamptz', nullable: true })
  overdueAlertedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
