import { Field, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { ApplicantKind, DossierChannel } from '../domain/enums';
import { DossierStatus } from '../domain/lifecycle';
import { Timeliness } from '../domain/timeliness';
import { clockStopped } from '../db/dossier-conditions';
import { Node, NODE_TYPE } from '../schema/node';
import { Agency } from './Agency';
import { Procedure } from './Procedure';

/**
 * One application (hồ sơ) for one procedure at one agency. The applicant's personal data lives
 * in its own columns and is never a GraphQL field of this type: the `applicant` field resolver
 * releases it only to a caller entitled to it.
 */
@ObjectType({ ...NODE_TYPE, implements: Node, description: 'One application (hồ sơ) for one procedure at one agency.' })
@Entity()
// The index counts one agency's own rows (incremental updates, bench P4) from these four
// alone, by index-only scans: the receipt and completion families carry the columns they
// filter on, and the backlog reads the agency's overdue open dossiers and those closed after
// the instant (both carry supplement_requested_at for the clock-stop rule). TypeORM cannot
// declare INCLUDE indexes: migrations IndexCountingCovers, StoppedClocksInIndexes and
// DrillDownCovers (the dossier id, for the drill-down's index-only reads) keep them, and
// schema sync leaves them alone (synchronize: false).
@Index('dossier_agency_received', { synchronize: false })
@Index('dossier_agency_completed', { synchronize: false })
@Index('dossier_agency_open_due', { synchronize: false })
@Index('dossier_agency_closed', { synchronize: false })
// Directive 15's list (delay-report.ts) finds a month's late completions among all its
// completions: without this, the busiest province's 97,701 completions were read from the table
// to keep the 2,235 late ones (docs/performance.md, P7: delayList 1.42 s, 79 ms with it).
@Index('dossier_agency_late', ['agencyId', 'completedAt'], { where: `completion_timeliness = 'LATE'` })
@Index('dossier_open_due', ['dueAt'], { where: `status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT')` })
// The default dossiers order (newest first, id as tiebreak), scanned backwards: a page of a
// province's dossiers among a million no longer sorts them all (docs/performance.md, P2).
@Index('dossier_received_order', ['receivedAt', 'databaseId'])
// What the overdue and due-soon scanners read: open dossiers not yet alerted whose clock runs,
// by due time. Their cost grows neither with closed dossiers nor with dossiers waiting for a
// supplement: those sat past due in the index, and every scan (once a second) re-read them
// all (docs/performance.md, "Indexes and queries").
@Index('dossier_overdue_scan', ['dueAt'], {
  where: `status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND overdue_alerted_at IS NULL AND NOT ${clockStopped(null)}`,
})
@Index('dossier_due_soon_scan', ['dueAt'], {
  where: `status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_soon_alerted_at IS NULL AND NOT ${clockStopped(null)}`,
})
export class Dossier extends Node {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  databaseId: string;

  protected get nodeType() {
    return 'Dossier' as const;
  }

  @Field({ description: 'Dossier code (mã hồ sơ) printed on the receipt.' })
  @Column({ type: 'varchar', length: 60, unique: true })
  code: string;

  @Column({ type: 'int' })
  procedureId: number;

  @ManyToOne(() => Procedure, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'procedure_id' })
  procedure?: Procedure;

  // No index of its own: dossier_agency_received leads with agency_id and serves every lookup
  // by agency (and the foreign key's checks); a single-column index would cost every insert
  // one more index update for nothing.
  @Column({ type: 'int' })
  agencyId: number;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency;

  @Field(() => DossierChannel, { description: 'How the dossier was filed.' })
  @Column({ type: 'enum', enum: DossierChannel, enumName: 'dossier_channel' })
  channel: DossierChannel;

  @Field(() => DossierStatus, { description: 'Where the dossier is in its lifecycle.' })
  @Column({ type: 'enum', enum: DossierStatus, enumName: 'dossier_status' })
  status: DossierStatus;

  // --- personal data (docs/SPEC.md §1: never public) -------------------------------------------
  @Column({ type: 'enum', enum: ApplicantKind, enumName: 'applicant_kind' })
  applicantKind: ApplicantKind;

  @Column({ type: 'varchar', length: 200 })
  applicantName: string;

  /** Citizen ID (CCCD) or enterprise code. */
  @Column({ type: 'varchar', length: 40 })
  applicantIdNumber: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  applicantPhone: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  applicantAddress: string | null;

  /** SHA-256 of the lookup secret handed to the applicant; the secret itself is never stored. */
  @Column({ type: 'varchar', length: 64 })
  lookupSecretHash: string;

  // --- clock -------------------------------------------------------------------------------
  @Field(() => Date, { description: 'When the dossier was actually received.' })
  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Field(() => Int, { description: 'Processing time applied, in working days (legal time or the agency’s shorter commitment).' })
  @Column({ type: 'int' })
  processingDays: number;

  /** Due time fixed at receipt (legal time or commitment), before any clock stop. */
  @Column({ type: 'timestamptz' })
  baseDueAt: Date;

  @Field(() => Date, { description: 'Current due time: the base due time moved later by every clock stop.' })
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Field(() => Int, { description: 'Office minutes spent awaiting a supplement (the clock stops then).' })
  @Column({ type: 'int', default: 0 })
  pausedWorkingMinutes: number;

  /** Start of the current wait for a supplement, while AWAITING_SUPPLEMENT. */
  @Column({ type: 'timestamptz', nullable: true })
  supplementRequestedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the agency completed the dossier (result ready).' })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the result was handed to the applicant.' })
  @Column({ type: 'timestamptz', nullable: true })
  resultReturnedAt: Date | null;

  /**
   * When the dossier left the open states (completed, withdrawn, rejected or transferred): the
   * index's overdue backlog at a period's end counts dossiers still open at that instant.
   */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /**
   * Its event history holds every step its status implies (receipt, processing, completion,
   * result): docs/INDEX_METHOD.md `electronicTracking`. Kept up to date with each event.
   */
  @Column({ type: 'boolean', default: false })
  historyComplete: boolean;

  /** When DOSSIER_DUE_SOON was raised (once per dossier). */
  @Column({ type: 'timestamptz', nullable: true })
  dueSoonAlertedAt: Date | null;

  /** When DOSSIER_OVERDUE was raised (once per dossier). */
  @Column({ type: 'timestamptz', nullable: true })
  overdueAlertedAt: Date | null;

  /** Fixed at completion (EARLY / ON_TIME / LATE); open dossiers are classified against now. */
  @Column({ type: 'enum', enum: Timeliness, enumName: 'timeliness', nullable: true })
  completionTimeliness: Timeliness | null;

  // --- flags the index counts (docs/INDEX_METHOD.md) ------------------------------------------
  @Field({ description: 'Paper documents were digitized when received (số hóa khi tiếp nhận).' })
  @Column({ type: 'boolean', default: false })
  digitizedAtReceipt: boolean;

  @Field({ description: 'The applicant reused digitized documents or results instead of uploading new ones.' })
  @Column({ type: 'boolean', default: false })
  reusedDigitizedData: boolean;

  @Field({ description: 'The result was issued as a signed electronic document.' })
  @Column({ type: 'boolean', default: false })
  electronicResult: boolean;

  @Field({ description: 'The fee was paid online.' })
  @Column({ type: 'boolean', default: false })
  feePaidOnline: boolean;

  @Field({ description: 'The dossier’s status is synced to the National Public Service Portal.' })
  @Column({ type: 'boolean', default: false })
  syncedToNationalPortal: boolean;

  /**
   * Kept by its agency's own system through importDossierEvents (rebuilt from the synced
   * events at each import) rather than by this API's lifecycle mutations.
   */
  @Field({ description: 'Kept by the agency’s own system through importDossierEvents; lifecycle mutations refuse it.' })
  @Column({ type: 'boolean', default: false })
  managedBySync: boolean;

  @Field({ description: 'The dossier came from another agency by transfer.' })
  @Column({ type: 'boolean', default: false })
  transferredIn: boolean;

  @Field(() => Date, { nullable: true, description: 'When the first apology letter (thư xin lỗi) was issued; a later letter only moves the appointment.' })
  @Column({ type: 'timestamptz', nullable: true })
  apologyIssuedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'New appointment given in the latest apology letter.' })
  @Column({ type: 'timestamptz', nullable: true })
  apologyNewAppointmentAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Reason given when the dossier was rejected.' })
  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'int', nullable: true })
  transferredToAgencyId: number | null;

  @ManyToOne(() => Agency, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'transferred_to_agency_id' })
  transferredToAgency?: Agency | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { description: 'Last change to this dossier.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;

  /** The lookup secret in clear, present only on the object returned by the call that created it. */
  issuedLookupSecret?: string;
}
