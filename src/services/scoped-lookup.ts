import { EntityManager } from 'typeorm';
import { canSeeAgencyPath, Viewer } from '../auth/access';
import { Agency, Dossier, Feedback } from '../entities';
import { domainError, ErrorCode, notFound } from '../domain/errors';

/**
 * Loads a dossier or feedback by code for update (row lock) together with its agency, if the
 * caller's scope covers it. A record outside the scope does not exist for the caller: NOT_FOUND,
 * as GitHub answers for private repositories, so codes cannot be probed.
 */
export async function lockInScope<E extends Dossier | Feedback>(
  em: EntityManager,
  viewer: Viewer | undefined,
  entity: new () => E,
  code: string,
): Promise<{ record: E; agency: Agency; viewer: Viewer }> {
  if (!viewer) throw domainError(ErrorCode.UNAUTHENTICATED, 'This needs a bearer token.');
  const record = (await em.findOne(entity, { where: { code } as never, lock: { mode: 'pessimistic_write' } })) as E | null;
  const agency = record ? await em.findOneByOrFail(Agency, { databaseId: record.agencyId }) : null;
  if (!record || !agency || !canSeeAgencyPath(viewer, agency.path)) throw notFound(entity.name, code);
  return { record, agency, viewer };
}
