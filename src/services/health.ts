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

/**
 * One check, failed when it has not answered within timeoutMs: a database that stalls takes
 * the instance out of the load balancer at once, rather than holding the probe as long as the
 * stall lasts (and then answering 200). The check itself runs on to its own end (bounded by the
 * pool's timeouts); nothing waits for it.
 */
async function timed(timeoutMs: number, check: () => Promise<string | undefined>): Promise<ReadinessCheck> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)));
  try {
    const problem = await Promise.race([check(), timeout]);
    return { ok: problem === undefined, ms: Date.now() - started, ...(problem ? { detail: problem } : {}) };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this instance can serve: the database answers and every migration is applied. A
 * load balancer takes an instance out while it says no (503). Redis, when configured, is
 * checked and reported, but its loss only degrades the instance: alerts then come from
 * PostgreSQL's 1 s catch-up and rate limits from memory. Failing readiness on it would take
 * every instance out at once (they share the one Redis) while each could still serve.
 */
export async function readiness(
  dataSource: DataSource,
  pubsub: PubSub,
  redisConfigured: boolean,
  timeoutMs: number,
  calendarWarning?: () => Promise<string | undefined>,
): Promise<Readiness> {
  // At the same time, each within timeoutMs: the answer comes within timeoutMs whatever hangs.
  const [database, migrations, redis, calendar] = await Promise.all([
    timed(timeoutMs, async () => {
      await dataSource.query('SELECT 1');
      return undefined;
    }),
    timed(timeoutMs, async () => ((await dataSource.showMigrations()) ? 'migrations are pending' : undefined)),
    redisConfigured
      ? timed(timeoutMs, async () => ((await pubsub.healthy()) ? undefined : 'Redis does not answer; alerts are read from PostgreSQL every second meanwhile'))
      : undefined,
    calendarWarning ? timed(timeoutMs, calendarWarning) : undefined,
  ]);
  const required: Record<string, ReadinessCheck> = { database, migrations };
  const optional: Record<string, ReadinessCheck> = redis ? { redis } : {};
  const status = !Object.values(required).every((c) => c.ok) ? 'unavailable' : Object.values(optional).every((c) => c.ok) ? 'ok' : 'degraded';
  // Information, outside the status: an instance serves as well on provisional days off (the
  // Labour Code's), and every instance would be taken out at once for a calendar they share.
  // A calendar that could not be read is said in its detail, still without failing readiness.
  const info: Record<string, ReadinessCheck> = calendar ? { calendar: { ...calendar, ok: true } } : {};
  return { status, checks: { ...required, ...optional, ...info } };
}
