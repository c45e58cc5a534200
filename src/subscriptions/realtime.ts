import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';
import { DataSource } from 'typeorm';
import { CalendarService } from '../services/calendar-service';
import { AlertHub } from './alert-hub';
import { AlertSequencer } from './alert-sequencer';
import { DEFAULT_DETECTOR_OPTIONS, DetectorOptions, Detectors } from './detectors';
import { DomainEvents, DossiersSynced } from './domain-events';
import type { Metrics } from '../services/metrics';
import { createPubSub, PubSub } from './pubsub';

const DOSSIER_UPDATES_CHANNEL = 'dossier-updated';

/**
 * The real-time half of one API instance: the pub/sub (Redis or memory), the alert sequencer
 * (active on one instance of the cluster), the hub that feeds this instance's subscribers,
 * the detectors, and dossier updates relayed to every instance.
 */
export class Realtime {
  readonly pubsub: PubSub;
  readonly sequencer: AlertSequencer;
  readonly hub: AlertHub;
  readonly detectors: Detectors;
  private started = false;

  constructor(
    dataSource: DataSource,
    calendars: CalendarService,
    private readonly events: DomainEvents,
    options: {
      redisUrl?: string;
      redisChannelPrefix?: string;
      clock?: () => Date;
      detectors?: Partial<DetectorOptions>;
      sequencerIntervalMs?: number;
      catchUpMs?: number;
      metrics?: Metrics;
    } = {},
  ) {
    this.pubsub = createPubSub(options.redisUrl, options.redisChannelPrefix);
    this.sequencer = new AlertSequencer(dataSource, this.pubsub, options.sequencerIntervalMs, options.metrics);
    this.hub = new AlertHub(dataSource, this.pubsub, options.catchUpMs, options.metrics);
    this.detectors = new Detectors(dataSource, calendars, options.clock, { ...DEFAULT_DETECTOR_OPTIONS, ...options.detectors }, events, options.metrics);
    this.relayDossierChanges = this.relayDossierChanges.bind(this);
    this.relaySyncedDossiers = this.relaySyncedDossiers.bind(this);
  }

  async start(options: { detectors?: boolean } = {}): Promise<void> {
    await this.pubsub.connect();
    await this.hub.start();
    this.sequencer.start();
    if (options.detectors !== false) this.detectors.start();
    this.events.on('dossierChanged', this.relayDossierChanges);
    this.events.on('dossiersSynced', this.relaySyncedDossiers);
    this.started = true;
  }

  /** Stops scanning, then sequences and publishes what is pending, so nothing waits for the next instance. */
  async stop(): Promise<void> {
    if (!this.started) return this.pubsub.close();
    this.events.off('dossierChanged', this.relayDossierChanges);
    this.events.off('dossiersSynced', this.relaySyncedDossiers);
    await this.detectors.stop();
    await this.sequencer.flush();
    await this.sequencer.stop();
    await this.hub.stop();
    await this.pubsub.close();
  }

  /** Updates of one dossier, from any instance, as they are published (live only). */
  dossierUpdates(dossierId: string): AsyncIterableIterator<{ dossierId: string }> {
    // Consecutive updates of one dossier say the same thing (read it fresh): keep the latest.
    return new Repeater<{ dossierId: string }>(async (push, stop) => {
      const unsubscribe = await this.pubsub.subscribe(DOSSIER_UPDATES_CHANNEL, (message) => {
        const update = message as { dossierId: string };
        if (update.dossierId === dossierId) push(update).catch(() => undefined);
      });
      try {
        await stop;
      } finally {
        await unsubscribe();
      }
    }, new SlidingBuffer(1));
  }

  private relaySyncedDossiers(synced: DossiersSynced) {
    for (const d of synced.dossiers) this.relayDossierChanges(d);
  }

  private relayDossierChanges(change: { dossierId: string }) {
    void this.pubsub.publish(DOSSIER_UPDATES_CHANNEL, { dossierId: change.dossierId }).catch(() => undefined);
  }
}
