import { DataSource } from 'typeorm';
import type { PubSub } from '../subscriptions/pubsub';

export interface ReadinessCheck {
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface Readiness {
  /** ok; degraded (serving, a dependency it can do without is down); unavailable (503). */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, ReadinessCheck>;
}

async function timed(check: () => Promise<string | undefined>): Promise<ReadinessCheck> {
  const started = Date.now();
  try {
    const problem = await check();
    return { ok: problem === undefined, ms: Date.now() - started, ...(problem ? { detail: problem } : {}) };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, detail: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Whether this instance can serve: the database answers and every migration is applied. A
 * load balancer takes an instance out while it says no (503). Redis, when configured, is
 * checked and reported, but its loss only degrades the instance: alerts then come from
 * PostgreSQL's 1 s catch-up and rate limits from memory. Failing readiness on it would take
 * every instance out at once (they share the one Redis) while each could still serve.
 */
export async function readiness(dataSource: DataSource, pubsub: PubSub, redisConfigured: boolean, calendarWarning?: () => Promise<string | undefined>): Promise<Readiness> {
  const required: Record<string, ReadinessCheck> = {
    database: await timed(async () => {
      await dataSource.query('SELECT 1');
      return undefined;
    }),
    migrations: await timed(async () => ((await dataSource.showMigrations()) ? 'migrations are pending' : undefined)),
  };
  const optional: Record<string, ReadinessCheck> = {};
  if (redisConfigured) optional.redis = await timed(async () => ((await pubsub.healthy()) ? undefined : 'Redis does not answer; alerts are read from PostgreSQL every second meanwhile'));
  const status = !Object.values(required).every((c) => c.ok) ? 'unavailable' : Object.values(optional).every((c) => c.ok) ? 'ok' : 'degraded';
  // Information, outside the status: an instance serves as well on provisional days off (the
  // Labour Code's), and every instance would be taken out at once for a calendar they share.
  const info: Record<string, ReadinessCheck> = {};
  if (calendarWarning) {
    const started = Date.now();
    const warning = await calendarWarning().catch((err: unknown) => `calendar not read: ${err instanceof Error ? err.message : String(err)}`);
    info.calendar = { ok: true, ms: Date.now() - started, ...(warning ? { detail: warning } : {}) };
  }
  return { status, checks: { ...required, ...optional, ...info } };
}
