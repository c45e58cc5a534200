import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One run of the seed (npm start's first start, `npm run seed`): written with the reference
 * data, in their transaction, and completed as the seed's last step. A run never completed is
 * an interrupted one: the demo dossiers go in over many transactions after the reference
 * data's, so a first start stopped half-way left part of them, and the next start took the
 * database for seeded. No instance serves before its first start's seed completes, so what
 * such a run left is the seed's alone and can be emptied and loaded again. Data no seed run
 * wrote (a restore, test fixtures, databases from before this table) is left alone.
 */
@Entity()
export class SeedRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
