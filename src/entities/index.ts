import { Agency } from './Agency';
import { Alert } from './Alert';
import { AuditEntry } from './AuditEntry';
import { CalendarDay, CalendarSettings, CalendarYear } from './Calendar';
import { Dossier } from './Dossier';
import { DossierEvent } from './DossierEvent';
import { Feedback } from './Feedback';
import { IndexMethod, IndexMethodCriterion, IndexMethodGroup, IndexPeriod, IndexPeriodComputing } from './IndexMethod';
import { AgencyPeriodCounters, ScorecardRecord } from './Scorecard';
import { Procedure } from './Procedure';
import { SatisfactionRating } from './SatisfactionRating';
import { ServiceCommitment } from './ServiceCommitment';
import { SyncEvent } from './SyncEvent';
import { IdempotencyKey } from './IdempotencyKey';
import { SeedRun } from './SeedRun';

export { Alert, AuditEntry, IdempotencyKey, SeedRun, SyncEvent };
export { AgencyPeriodCounters, IndexMethod, IndexMethodCriterion, IndexMethodGroup, IndexPeriod, IndexPeriodComputing, ScorecardRecord };
export { Agency, CalendarDay, CalendarSettings, CalendarYear, Dossier, DossierEvent, Feedback, Procedure, SatisfactionRating, ServiceCommitment };

/** Every entity, for the one DataSource definition in ormconfig.ts. */
export const ENTITIES = [
  Agency,
  Procedure,
  Dossier,
  DossierEvent,
  Feedback,
  SatisfactionRating,
  CalendarDay,
  CalendarSettings,
  CalendarYear,
  ServiceCommitment,
  IndexMethod,
  IndexMethodGroup,
  IndexMethodCriterion,
  IndexPeriod,
  IndexPeriodComputing,
  AgencyPeriodCounters,
  ScorecardRecord,
  Alert,
  SyncEvent,
  IdempotencyKey,
  AuditEntry,
  SeedRun,
];
