import { ArrayMaxSize, IsBoolean, IsEnum, IsOptional, Matches, ValidateNested } from 'class-validator';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ApplicantKind, DossierChannel, DossierEventKind } from '../domain/enums';
import { DossierStatus } from '../domain/lifecycle';
import { Timeliness } from '../domain/timeliness';
import { Agency, Procedure } from '../entities';
import { DossierOrderField, SortDirection } from '../services/list-queries';
import { DOSSIER_CODE, ID_NUMBER, IsAgencyCode, IsProcedureCode, Length, LOOKUP_SECRET_LENGTH, PHONE } from '../schema/validation';

registerEnumType(DossierOrderField, { name: 'DossierOrderField', description: 'What dossiers can be ordered by.' });
registerEnumType(SortDirection, { name: 'SortDirection', description: 'Ascending or descending.' });

/** The applicant's personal data, released only to a caller entitled to it. */
@ObjectType({ description: 'The applicant (personal data): visible to officers of the agency and to the applicant holding the lookup secret.' })
export class Applicant {
  @Field(() => ApplicantKind, { description: 'Citizen or business.' })
  kind: ApplicantKind;

  @Field({ description: 'Full name of the citizen or name of the business.' })
  name: string;

  @Field({ description: 'Citizen ID (CCCD) or enterprise code.' })
  idNumber: string;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address.' })
  address: string | null;
}

@InputType({ description: 'The applicant of a new dossier.' })
export class ApplicantInput {
  @Field(() => ApplicantKind)
  @IsEnum(ApplicantKind)
  kind: ApplicantKind;

  @Field()
  @Length(1, 200)
  name: string;

  @Field({ description: 'Citizen ID (12 digits) or enterprise code (10 or 13 digits).' })
  @Matches(ID_NUMBER, { message: 'idNumber must be a citizen ID or enterprise code (digits)' })
  idNumber: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  address?: string | null;
}

@InputType({ description: 'A dossier received at an agency. Receiving the same code again with the same data returns the existing dossier.' })
export class ReceiveDossierInput {
  @Field({ description: 'Dossier code printed on the receipt; the idempotency key.' })
  @Matches(DOSSIER_CODE, { message: 'code must be 3–60 letters, digits, ".", "_" or "-"' })
  code: string;

  @Field({ description: 'National code of the procedure, e.g. "1.004227".' })
  @IsProcedureCode()
  procedureCode: string;

  @Field({ description: 'Code of the receiving agency.' })
  @IsAgencyCode()
  agencyCode: string;

  @Field(() => DossierChannel)
  @IsEnum(DossierChannel)
  channel: DossierChannel;

  @Field(() => Date, { nullable: true, description: 'When the dossier was received; now when omitted. Never in the future.' })
  @IsOptional()
  receivedAt?: Date;

  @Field(() => ApplicantInput)
  @ValidateNested()
  applicant: ApplicantInput;

  @Field({ nullable: true, defaultValue: false, description: 'Paper documents were digitized at receipt.' })
  @IsBoolean()
  digitizedAtReceipt: boolean;

  @Field({ nullable: true, defaultValue: false, description: 'The applicant reused digitized documents or results.' })
  @IsBoolean()
  reusedDigitizedData: boolean;

  @Field({ nullable: true, defaultValue: false, description: 'The fee was paid online.' })
  @IsBoolean()
  feePaidOnline: boolean;

  @Field({ nullable: true, defaultValue: false, description: 'The dossier came from another agency by transfer.' })
  @IsBoolean()
  transferredIn: boolean;

  @Field({ nullable: true, description: 'Lookup secret printed on the receipt; generated and returned once when omitted.' })
  @IsOptional()
  @Length(LOOKUP_SECRET_LENGTH.min, LOOKUP_SECRET_LENGTH.max)
  lookupSecret?: string;
}

@InputType({ description: 'Order of a dossier list.' })
export class DossierOrder {
  @Field(() => DossierOrderField)
  @IsEnum(DossierOrderField)
  field: DossierOrderField;

  @Field(() => SortDirection)
  @IsEnum(SortDirection)
  direction: SortDirection;
}

@InputType({ description: 'Filters of a dossier list; all given conditions must hold.' })
export class DossierFilter {
  @Field({ nullable: true, description: 'This agency and its descendants (within the token’s scope).' })
  @IsOptional()
  @IsAgencyCode()
  agencyCode?: string;

  @Field(() => [DossierStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  statuses?: DossierStatus[];

  @Field(() => [Timeliness], { nullable: true, description: 'OVERDUE and PENDING are judged at the time of the request.' })
  @IsOptional()
  @ArrayMaxSize(5)
  timeliness?: Timeliness[];

  @Field(() => [DossierChannel], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  channels?: DossierChannel[];

  @Field({ nullable: true })
  @IsOptional()
  @IsProcedureCode()
  procedureCode?: string;

  @Field(() => Date, { nullable: true, description: 'Received at or after.' })
  @IsOptional()
  receivedFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Received before.' })
  @IsOptional()
  receivedTo?: Date;

  @Field(() => Date, { nullable: true, description: 'Due at or after.' })
  @IsOptional()
  dueFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Due before.' })
  @IsOptional()
  dueTo?: Date;

  @Field({
    nullable: true,
    description:
      'Only open dossiers whose clock runs and whose due time is ahead, judged at the time of the request (true), or all others (false). With dueTo: the "due soon" list. One waiting for a supplement asked before its due time is left out: its clock is stopped and its due time moves when it resumes.',
  })
  @IsOptional()
  runningDueAhead?: boolean;

  @Field({ nullable: true, description: 'Dossier codes starting with this text.' })
  @IsOptional()
  @Length(1, 60)
  codePrefix?: string;

  @Field({ nullable: true, description: 'Only dossiers with (true) or without (false) an apology letter.' })
  @IsOptional()
  apologyIssued?: boolean;

  @Field({ nullable: true, description: 'Only dossiers synced (true) or not synced (false) to the national portal.' })
  @IsOptional()
  syncedToNationalPortal?: boolean;

  @Field(() => DossierOrder, { nullable: true, description: 'Default: newest received first.' })
  @IsOptional()
  @ValidateNested()
  orderBy?: DossierOrder;
}

/** One step of a dossier's history as the applicant sees it: no officer, no internal data. */
@ObjectType({ description: 'One step in a dossier’s history, as shown to the applicant.' })
export class DossierStatusStep {
  @Field(() => DossierEventKind, { description: 'What happened.' })
  kind: DossierEventKind;

  @Field(() => DossierStatus, { description: 'Status after this step.' })
  status: DossierStatus;

  @Field(() => Date, { description: 'When it happened.' })
  occurredAt: Date;

  @Field(() => String, { nullable: true, description: 'Reason given to the applicant (e.g. what to supplement).' })
  reason: string | null;
}

/** What a citizen sees when following a dossier by code and lookup secret (docs/SPEC.md §1). */
@ObjectType('DossierStatus', { description: 'A dossier’s progress as the applicant may follow it with the lookup secret; no personal data.' })
export class DossierProgress {
  @Field({ description: 'Dossier code.' })
  code: string;

  @Field(() => DossierStatus, { description: 'Where the dossier is in its lifecycle.' })
  status: DossierStatus;

  @Field(() => Procedure, { description: 'The procedure applied for.' })
  procedure: Procedure;

  @Field(() => Agency, { description: 'The agency handling it.' })
  agency: Agency;

  @Field(() => Date, { description: 'When it was received.' })
  receivedAt: Date;

  @Field(() => Date, { description: 'When the result is due (moved later while the agency waited for a supplement).' })
  dueAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the agency completed it.' })
  completedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the result was handed over.' })
  resultReturnedAt: Date | null;

  @Field(() => Timeliness, { nullable: true, description: 'On time or not (see Dossier.timeliness).' })
  timeliness: Timeliness | null;

  @Field(() => Date, { nullable: true, description: 'New appointment given in an apology letter, if any.' })
  apologyNewAppointmentAt: Date | null;

  @Field(() => [DossierStatusStep], { description: 'Every step, oldest first.' })
  history: DossierStatusStep[];
}
