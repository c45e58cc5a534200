import { DataSource } from 'typeorm';
import type { PubSub } from '../subscriptions/pubsub';

export interface ReadinessCheck {
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface Readiness {
  status: 'ok' | 'unavailable';
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
 * Whether this instance can serve: the database answers, every migration is applied, and
 * Redis answers when configured. A load balancer takes an instance out while it says no.
 */
export async function readiness(dataSource: DataSource, pubsub: PubSub, redisConfigured: boolean): Promise<Readiness> {
  const checks: Record<string, ReadinessCheck> = {
    database: await timed(async () => {
      await dataSource.query('SELECT 1');
      return undefined;
    }),
    migrations: await timed(async () => ((await dataSource.showMigrations()) ? 'migrations are pending' : undefined)),
  };
  if (redisConfigured) checks.redis = await timed(async () => ((await pubsub.healthy()) ? undefined : 'Redis does not answer'));
  return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'unavailable', checks };
}
