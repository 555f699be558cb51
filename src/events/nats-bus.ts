import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '../core/logger';
import type { EventBus, EventNotice } from './bus';

/** Where and how long the stream keeps the relay's notices (config EVENT_BUS_STREAM, EVENT_BUS_RETENTION_S). */
export interface NatsStreamOptions {
  name: string;
  retentionSeconds: number;
}

/** Every notice's subject starts with this: `care.<organization>.<patient or provider id>`. */
const SUBJECT_ROOT = 'care';
/** JetStream drops a republished notice with the same id seen within this window (never longer than the retention). */
const DUPLICATE_WINDOW_S = 120;

/** The subject of a notice about `id` (a patient, or a provider whose membership changed) of an organization. */
export const noticeSubject = (organizationId: string, id: string) => `${SUBJECT_ROOT}.${organizationId}.${id}`;

/**
 * The bus on NATS JetStream. Notices ("patient P committed events
 * first..last") are published by the outbox relay (outbox-relay.ts) to the
 * stream, on a subject per patient; this instance subscribes only to the
 * subjects of the patients (and providers) its clients follow, so a notice
 * reaches the instances that need it and no other. The events table stays the
 * truth: a notice only says what to read, and after the connection comes
 * back (or the server dropped messages for a slow consumer) `onResync`
 * re-reads everything followed from the table.
 *
 * Interest is a plain subscription on the stream's subjects, not a JetStream
 * consumer: it changes each time a dashboard opens or closes, which a
 * subscription follows with one round trip and a consumer only by being
 * reconfigured. JetStream's part is the publishing side: an acknowledged,
 * de-duplicated, retained log of what was committed.
 */
export class NatsEventBus implements EventBus {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private onNotice: (notice: EventNotice) => void = () => undefined;

  constructor(
    private readonly url: string,
    private readonly stream: NatsStreamOptions,
    private readonly logger: Logger,
  ) {}

  async start(onNotice: (notice: EventNotice) => void, onResync: () => void): Promise<void> {
    this.onNotice = onNotice;
    const nc = await connect({
      servers: this.url,
      name: 'carehub',
      maxReconnectAttempts: -1, // keep trying: delivery resumes, from the table, when NATS is back
      reconnectTimeWait: 250,
      reconnectJitter: 100,
    });
    this.nc = nc;
    await ensureStream(nc, this.stream);
    this.js = jetstream(nc);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.logger.warn('event bus: NATS connection lost; reconnecting');
        if (status.type === 'reconnect' || status.type === 'slowConsumer') {
          // The client has re-sent this instance's subscriptions; what was published meanwhile is in the table.
          this.logger.info({ cause: status.type }, 'event bus: catching up from the events table');
          await nc.flush().catch(() => undefined);
          onResync();
        }
      }
    })();
  }

  async follow(id: string): Promise<void> {
    const nc = this.connection();
    if (!this.subscriptions.has(id)) {
      const subscription = nc.subscribe(noticeSubject('*', id), {
        callback: (err, msg) => {
          if (err) return;
          const notice = parseNatsNotice(msg.string());
          if (notice) this.onNotice(notice);
        },
      });
      this.subscriptions.set(id, subscription);
    }
    await nc.flush(); // the server has the subscription: what is published from now on reaches us
  }

  unfollow(id: string): void {
    this.subscriptions.get(id)?.unsubscribe();
    this.subscriptions.delete(id);
  }

  /**
   * Publishes a notice to the stream and resolves once JetStream has stored it
   * (its acknowledgement); a republished one with the same content within the
   * duplicate window is stored once.
   */
  async publish(organizationId: string, id: string, notice: EventNotice): Promise<void> {
    if (!this.js) throw new Error('the NATS event bus is not started');
    const payload = JSON.stringify(notice);
    await this.js.publish(noticeSubject(organizationId, id), payload, {
      msgID: `${id}/${notice.patientId}/${notice.first}-${notice.last}`,
    });
  }

  async stop(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    this.js = null;
    this.subscriptions.clear();
    await nc?.close().catch(() => undefined);
  }

  private connection(): NatsConnection {
    if (!this.nc) throw new Error('the NATS event bus is not started');
    return this.nc;
  }
}

/** Creates the stream, or brings an existing one's subjects and retention to the configuration. */
async function ensureStream(nc: NatsConnection, { name, retentionSeconds }: NatsStreamOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const seconds = (s: number) => s * 1_000_000_000; // JetStream counts in nanoseconds
  const config = {
    subjects: [`${SUBJECT_ROOT}.>`],
    max_age: seconds(retentionSeconds),
    duplicate_window: seconds(Math.min(DUPLICATE_WINDOW_S, retentionSeconds)),
  };
  const exists = await jsm.streams.info(name).then(
    () => true,
    () => false,
  );
  if (exists) await jsm.streams.update(name, config);
  else await jsm.streams.add({ name, ...config });
}

function parseNatsNotice(payload: string): EventNotice | null {
  try {
    const { patientId, first, last } = JSON.parse(payload) as Partial<EventNotice>;
    if (typeof patientId === 'string' && Number.isInteger(first) && Number.isInteger(last))
      return { patientId, first: first!, last: last! };
  } catch {
    // not a notice of ours
  }
  return null;
}
