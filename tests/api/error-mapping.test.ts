import { buildSchema, graphql, GraphQLError } from 'graphql';
import { domainError, DomainError, ErrorCode, notFound } from '../../src/domain/errors';
import { DossierAction, DossierStatus, nextStatus } from '../../src/domain/lifecycle';
import { formatError, toGraphQLError } from '../../src/schema/errors';

/**
 * Errors thrown without any GraphQL in them (services, the domain) reach clients with the
 * code and details they always had: mapped by formatError, whichever layer wrapped them.
 * No database: a schema of two fields whose resolvers throw.
 */
const schema = buildSchema('type Query { missing: String, transition: String, broken: String }');
const rootValue = {
  missing: () => {
    throw notFound('Dossier', 'G22.X', { field: 'code' });
  },
  transition: () => nextStatus(DossierStatus.COMPLETED, DossierAction.REJECT),
  broken: () => {
    throw new Error('relation "secret_table" does not exist');
  },
};
const format = formatError(false);
const run = async (field: string) => {
  const result = await graphql({ schema, source: `{ ${field} }`, rootValue });
  const error = result.errors![0];
  return format(error.toJSON(), error);
};

it('gives a domain error thrown by a resolver its code and details, at its path', async () => {
  expect(await run('missing')).toEqual({
    message: 'Dossier "G22.X" was not found.',
    locations: [{ line: 1, column: 3 }],
    path: ['missing'],
    extensions: { code: 'NOT_FOUND', type: 'Dossier', key: 'G22.X', field: 'code' },
  });
});

it('gives a refused transition INVALID_TRANSITION with from and action', async () => {
  expect((await run('transition')).extensions).toEqual({ code: 'INVALID_TRANSITION', from: 'COMPLETED', action: 'REJECT' });
});

it('maps a domain error that ended a subscription stream (graphql-ws wraps it without a path)', () => {
  const wrapped = new GraphQLError('behind', { originalError: domainError(ErrorCode.SUBSCRIBER_TOO_SLOW, 'behind') });
  expect(format(wrapped.toJSON(), wrapped)).toEqual({ message: 'behind', extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
});

it('still masks anything else outside development', async () => {
  expect(await run('broken')).toEqual({
    message: 'Internal server error.',
    locations: [{ line: 1, column: 3 }],
    path: ['broken'],
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
});

it('turns a domain error into a GraphQLError for answers given outside execution: code, details, then what the transport adds', () => {
  const error = toGraphQLError(new DomainError(ErrorCode.UNAUTHENTICATED, 'Authentication failed.', { reason: 'expired' }), { http: { status: 401 } });
  expect(error.message).toBe('Authentication failed.');
  expect(Object.keys(error.extensions)).toEqual(['code', 'reason', 'http']);
  expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'expired', http: { status: 401 } });
});
