/**
 * The domain's vocabulary that is not a rule in itself. Status and timeliness live with
 * their rules in lifecycle.ts and timeliness.ts.
 */

/** Level of an agency in the administrative structure (docs/SPEC.md §2). */
export enum AgencyKind {
  MINISTRY = 'MINISTRY',
  PROVINCE = 'PROVINCE',
  /** Sở / ban / ngành: a department of a province. */
  DEPARTMENT = 'DEPARTMENT',
  /** Quận / huyện: abolished on 1 July 2025 (two-level local government). */
  DISTRICT = 'DISTRICT',
  /** Xã / phường / thị trấn. */
  COMMUNE = 'COMMUNE',
}

/** How far a procedure can be done online (dịch vụ công trực tuyến). */
export enum OnlineLevel {
  /** Toàn trình: filing, payment and result all online. */
  FULL = 'FULL',
  /** Một phần: part of the procedure needs a visit. */
  PARTIAL = 'PARTIAL',
  NONE = 'NONE',
}

/** Level of government at which a procedure is carried out. */
export enum ProcedureLevel {
  CENTRAL = 'CENTRAL',
  PROVINCE = 'PROVINCE',
  DISTRICT = 'DISTRICT',
  COMMUNE = 'COMMUNE',
}

/** How a dossier reached the agency. */
export enum DossierChannel {
  ONLINE = 'ONLINE',
  IN_PERSON = 'IN_PERSON',
  POSTAL = 'POSTAL',
}

export enum ApplicantKind {
  CITIZEN = 'CITIZEN',
  BUSINESS = 'BUSINESS',
}

/** What happened to a dossier: one append-only event each (docs/SPEC.md §2). */
export enum DossierEventKind {
  RECEIVED = 'RECEIVED',
  PROCESSING_STARTED = 'PROCESSING_STARTED',
  SUPPLEMENT_REQUESTED = 'SUPPLEMENT_REQUESTED',
  RESUMED = 'RESUMED',
  COMPLETED = 'COMPLETED',
  RESULT_RETURNED = 'RESULT_RETURNED',
  WITHDRAWN = 'WITHDRAWN',
  REJECTED = 'REJECTED',
  TRANSFERRED = 'TRANSFERRED',
  /** Thư xin lỗi with a new appointment date, for a late or overdue dossier. */
  APOLOGY_ISSUED = 'APOLOGY_ISSUED',
}

/** Satisfaction of a person with a completed dossier or an answered feedback. */
export enum SatisfactionLevel {
  VERY_SATISFIED = 'VERY_SATISFIED',
  SATISFIED = 'SATISFIED',
  NEUTRAL = 'NEUTRAL',
  UNSATISFIED = 'UNSATISFIED',
}

export enum CalendarDayKind {
  /** A public holiday or a weekday given off in a swap. */
  DAY_OFF = 'DAY_OFF',
  /** A weekend day declared a working day in a swap. */
  EXTRA_WORKING_DAY = 'EXTRA_WORKING_DAY',
}

export enum ServiceCommitmentKind {
  /** The agency commits to fewer working days than the legal processing time. */
  MAX_WORKING_DAYS = 'MAX_WORKING_DAYS',
  /** "Thứ Sáu không chờ": Friday dossiers before the cut-off are settled the same day. */
  FRIDAY_WITHOUT_WAITING = 'FRIDAY_WITHOUT_WAITING',
}

/** Role carried by a bearer token (docs/SPEC.md §5). */
export enum Role {
  OFFICER = 'OFFICER',
  LEADER = 'LEADER',
  ADMIN = 'ADMIN',
}

/** What an alert to the people who must act is about (docs/SPEC.md §4). */
export enum AlertKind {
  /** An open dossier will be due within the lead time (default one working day). */
  DOSSIER_DUE_SOON = 'DOSSIER_DUE_SOON',
  /** An open dossier's due time has passed. */
  DOSSIER_OVERDUE = 'DOSSIER_OVERDUE',
  /** Feedback is unanswered past its due time. */
  FEEDBACK_OVERDUE = 'FEEDBACK_OVERDUE',
  /** An agency's rank among its peers changed. */
  RANKING_CHANGED = 'RANKING_CHANGED',
  /** An agency's total went down. */
  SCORE_DROPPED = 'SCORE_DROPPED',
}

/** Administrative changes recorded in the audit log. */
export enum AuditAction {
  CALENDAR_DAY_SET = 'CALENDAR_DAY_SET',
  CALENDAR_DAY_REMOVED = 'CALENDAR_DAY_REMOVED',
  CALENDAR_YEAR_SET = 'CALENDAR_YEAR_SET',
  INDEX_RECOMPUTED = 'INDEX_RECOMPUTED',
  INDEX_PERIOD_FINALIZED = 'INDEX_PERIOD_FINALIZED',
}
