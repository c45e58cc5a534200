import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { Agency } from './Agency';
import { SatisfactionLevel } from '../domain/enums';
import { Dossier } from './Dossier';

/** The applicant's rating of a completed dossier: one per dossier (docs/INDEX_METHOD.md `satisfied`). */
@ObjectType({ description: 'The applicant’s satisfaction with a completed dossier.' })
@Entity()
// An agency's ratings in a period, with their level, for the index's counts by index-only scan
// (agency_id, rated_at) INCLUDE (level): TypeORM cannot declare INCLUDE, so migration
// StoppedClocksInIndexes keeps it and schema sync leaves it alone.
@Index('satisfaction_rating_agency_rated', { synchronize: false })
export class SatisfactionRating {
  @PrimaryColumn({ type: 'bigint' })
  dossierId: string;

  @OneToOne(() => Dossier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  /**
   * The dossier's agency, copied here so the index counts one agency's ratings through an
   * index instead of joining every rating of the month to the dossiers (half of an incremental
   * update's time: docs/performance.md, P4). The API never changes a dossier's agency: a transfer records
   * the receiving agency beside it. A synced dossier can move, when an earlier receipt at
   * another agency arrives late; its rating then stays with the agency it was given at.
   */
  @Column({ type: 'int' })
  agencyId: number;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency;

  @Field(() => SatisfactionLevel, { description: 'How satisfied the applicant was.' })
  @Column({ type: 'enum', enum: SatisfactionLevel, enumName: 'rating_level' })
  level: SatisfactionLevel;

  @Field(() => Date, { description: 'When the rating was given.' })
  @Column({ type: 'timestamptz' })
  ratedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
