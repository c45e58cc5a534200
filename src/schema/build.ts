import 'reflect-metadata';
import './enums';
import { defaultFieldResolver, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AgencyResolver } from '../resolvers/agency.resolver';
import { AlertResolver, RankingChangeResolver } from '../resolvers/alert.resolver';
import { AuditResolver } from '../resolvers/audit.resolver';
import { CalendarResolver } from '../resolvers/calendar.resolver';
import { CriterionDossiersResolver } from '../resolvers/criterion-dossiers.resolver';
import { DossierEventResolver, DossierResolver } from '../resolvers/dossier.resolver';
import { FeedbackResolver } from '../resolvers/feedback.resolver';
import { IndexResolver } from '../resolvers/index.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { ProcedureResolver, ServiceCommitmentResolver } from '../resolvers/procedure.resolver';
import { ScorePlanResolver } from '../resolvers/score-plan.resolver';
import { ScoreExplanationsResolver } from '../resolvers/score-explanations.resolver';
import { SyncResolver } from '../resolvers/sync.resolver';
import { ViewerResolver } from '../resolvers/viewer.resolver';
import { Agency, Dossier, DossierEvent, Feedback, Procedure, ServiceCommitment } from '../entities';
import { DateTimeScalar } from './scalars';
import { validateArgument } from './validation';

let schema: Promise<GraphQLSchema> | undefined;

const topicPubSubUnused = {
  publish(): never {
    throw new Error('Subscriptions are served by src/subscriptions, not by type-graphql topics');
  },
  subscribe(): never {
    throw new Error('Subscriptions are served by src/subscriptions, not by type-graphql topics');
  },
};

/** Builds the executable schema once per process (type-graphql metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [
      NodeResolver,
      AgencyResolver,
      ProcedureResolver,
      ServiceCommitmentResolver,
      DossierResolver,
      DossierEventResolver,
      FeedbackResolver,
      CalendarResolver,
      IndexResolver,
      ScorePlanResolver,
      CriterionDossiersResolver,
      ScoreExplanationsResolver,
      AlertResolver,
      RankingChangeResolver,
      SyncResolver,
      AuditResolver,
      ViewerResolver,
    ],
    // Every Node implementation must be in the schema even if only reachable through node(id).
    orphanedTypes: [Agency, Procedure, Dossier, DossierEvent, Feedback, ServiceCommitment],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validateFn: validateArgument,
    emitSchemaFile: false,
    // Every @Subscription brings its own `subscribe` (replay from PostgreSQL, then the live hub), so
    // type-graphql's topic pub/sub is never used; type-graphql still insists on being given one.
    pubSub: topicPubSubUnused,
  })
    .then(describeRootTypes)
    .then(freshReadsAfterMutations);
  return schema;
}

/**
 * Each mutation's answer, and every later one's, is read after its write: mutations of one
 * request run one after another with the request's loaders, which had cached what the first
 * one read (a second step on the same dossier answered with the first step's history). Only
 * the Mutation fields are wrapped, so queries pay nothing.
 */
function freshReadsAfterMutations(built: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(built.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, context: { loaders?: { clear(): void } }, info) => {
      const result = await resolve(source, args, context, info);
      context.loaders?.clear();
      return result;
    };
  }
  return built;
}

function describeRootTypes(built: GraphQLSchema): GraphQLSchema {
  const query = built.getQueryType();
  const mutation = built.getMutationType();
  if (query) query.description = 'Service Index: agencies, procedures, dossiers and feedback, and how well agencies serve people and businesses.';
  if (mutation) mutation.description = 'Changes: the dossier lifecycle and feedback. Each mutation is one transaction.';
  const subscription = built.getSubscriptionType();
  if (subscription) subscription.description = 'Live streams over graphql-ws at the same URL: alerts, ranking changes, dossier updates.';
  return built;
}

/** The SDL clients build on, sorted so that the committed schema.graphql diff stays readable. */
export async function printSchemaSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}
