import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { SatisfactionLevel } from '../domain/enums';
import { Dossier } from './Dossier';

/** The applicant's rating of a completed dossier: one per dossier (INDEX_METHOD `satisfied`). */
@ObjectType({ description: 'The applicant’s satisfaction with a completed dossier.' })
@Entity()
export class SatisfactionRating {
  @PrimaryColumn({ type: 'bigint' })
  dossierId: string;

  @OneToOne(() => Dossier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Field(() => SatisfactionLevel, { description: 'How satisfied the applicant was.' })
  @Column({ type: 'enum', enum: SatisfactionLevel, enumName: 'rating_level' })
  level: SatisfactionLevel;

  @Field(() => Date, { description: 'When the rating was given.' })
  @Column({ type: 'timestamptz' })
  ratedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
