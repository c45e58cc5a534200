import { registerEnumType } from 'type-graphql';
import {
  AgencyKind,
  AlertKind,
  AuditAction,
  ApplicantKind,
  CalendarDayKind,
  DossierChannel,
  DossierEventKind,
  OnlineLevel,
  ProcedureLevel,
  Role,
  SatisfactionLevel,
  ServiceCommitmentKind,
} from '../domain/enums';
import { DossierAction, DossierStatus } from '../domain/lifecycle';
import { Timeliness } from '../domain/timeliness';

/** Registers the domain's enums as GraphQL enums, with descriptions for clients. */
registerEnumType(AgencyKind, {
  name: 'AgencyKind',
  description: 'Level of an agency. Districts exist only before 1 July 2025 (two-level local government since).',
});
registerEnumType(OnlineLevel, {
  name: 'OnlineLevel',
  description: 'How far a procedure can be done online.',
  valuesConfig: {
    FULL: { description: 'Toàn trình: entirely online.' },
    PARTIAL: { description: 'Một phần: partly online.' },
    NONE: { description: 'Not online.' },
  },
});
registerEnumType(ProcedureLevel, { name: 'ProcedureLevel', description: 'Level of government that carries out a procedure.' });
registerEnumType(DossierChannel, { name: 'DossierChannel', description: 'How a dossier reached the agency.' });
registerEnumType(ApplicantKind, { name: 'ApplicantKind', description: 'Whether the applicant is a citizen or a business.' });
registerEnumType(DossierEventKind, { name: 'DossierEventKind', description: 'What happened to a dossier.' });
registerEnumType(SatisfactionLevel, { name: 'SatisfactionLevel', description: 'Satisfaction with a dossier or an answer to feedback.' });
registerEnumType(CalendarDayKind, { name: 'CalendarDayKind', description: 'An exception to the Monday–Friday working week.' });
registerEnumType(ServiceCommitmentKind, { name: 'ServiceCommitmentKind', description: 'Kind of service commitment an agency made.' });
registerEnumType(Role, { name: 'Role', description: 'Role carried by a bearer token.' });
// "DossierStatus" is the object type trackDossier returns (docs/SPEC.md §5), so the enum is DossierState.
registerEnumType(DossierStatus, {
  name: 'DossierState',
  description:
    'Where a dossier is in its lifecycle: RECEIVED → PROCESSING → (AWAITING_SUPPLEMENT ⇄ PROCESSING) → COMPLETED → RESULT_RETURNED; from an open state also WITHDRAWN, REJECTED, TRANSFERRED.',
  valuesConfig: { AWAITING_SUPPLEMENT: { description: 'Waiting for the applicant to supplement the dossier; the clock stops.' } },
});
registerEnumType(Timeliness, {
  name: 'Timeliness',
  description: 'How a dossier stands against its due time.',
  valuesConfig: {
    EARLY: { description: 'Completed on a day before the due date.' },
    ON_TIME: { description: 'Completed on the due date, by the due time.' },
    LATE: { description: 'Completed after the due time.' },
    OVERDUE: { description: 'Still open and past the due time.' },
    PENDING: { description: 'Still open and not yet due.' },
  },
});
registerEnumType(DossierAction, { name: 'DossierAction', description: 'A lifecycle step that can be applied to a dossier.' });
registerEnumType(AlertKind, {
  name: 'AlertKind',
  description: 'What an alert is about (docs/SPEC.md §4).',
  valuesConfig: {
    DOSSIER_DUE_SOON: { description: 'An open dossier falls due within the lead time (default one working day).' },
    DOSSIER_OVERDUE: { description: 'An open dossier is past its due time.' },
    FEEDBACK_OVERDUE: { description: 'Feedback is unanswered past its due time.' },
    RANKING_CHANGED: { description: 'An agency’s rank among its peers changed.' },
    SCORE_DROPPED: { description: 'An agency’s total for a period went down.' },
  },
});
registerEnumType(AuditAction, { name: 'AuditAction', description: 'An administrative change recorded in the audit log.' });
