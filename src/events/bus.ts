import { Client } from 'pg';
import type { Logger } from '../core/logger';

/** The channel on which committed events are announced (payload: `<patientId>:<first>:<last>` sequence). */
export const EVENTS_CHANNEL = 'care_events';

/** "Patient P has committed events first..last" — a wake-up call; the events table is the truth. */
export interface EventNotice {
  patientId: string;
  first: number;
  last: number;
}

/**
 * How an instance hears of events committed anywhere. The PostgreSQL
 * implementation below needs nothing but the database; at larger scale a
 * broker (NATS JetStream, Redis Streams) can implement the same interface.
 */
export interface EventBus {
  /** `onResync` runs after a reconnect: notices may have been missed, so re-read from the table. */
  start(onNotice: (notice: EventNotice) => void, onResync: () => void): Promise<void>;
  stop(): Promise<void>;
  /**
   * Interest, for a bus that delivers only what an instance asks for (NATS): from when the promise
   * resolves, notices about `id` (a patient, or a provider whose team memberships change) reach
   * `onNotice`. A bus that hears every notice (PostgreSQL) has no `follow`: everything is followed.
   */
  follow?(id: string): Promise<void>;
  /** The end of the interest `follow` began (called once per `follow`). */
  unfollow?(id: string): void;
}

/** One dedicated LISTEN connection per instance, reconnected with back-off when it drops. */
export class PgNotifyBus implements EventBus {
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly maxBackoffMs = 5000,
  ) {}

  async start(onNotice: (notice: EventNotice) => void, onResync: () => void): Promise<void> {
    await this.connect(onNotice);
    this.onResync = onResync;
  }

  private onResync: () => void = () => undefined;

  private async connect(onNotice: (notice: EventNotice) => void): Promise<void> {
    const client = new Client({ connectionString: this.url, keepAlive: true });
    client.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice) onNotice(notice);
    });
    const reconnect = (err?: Error) => {
      if (this.client !== client || this.stopped) return;
      this.client = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      this.logger.warn({ err: err?.message }, 'event listener lost its connection; reconnecting');
      this.scheduleReconnect(onNotice, 100);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  private scheduleReconnect(onNotice: (notice: EventNotice) => void, delayMs: number) {
    this.retryTimer = setTimeout(async () => {
      try {
        await this.connect(onNotice);
        this.logger.info('event listener reconnected; catching up from the events table');
        this.onResync();
      } catch (err) {
        if (!this.stopped) this.scheduleReconnect(onNotice, Math.min(delayMs * 2, this.maxBackoffMs));
      }
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

/** The NOTIFY payload `<patientId>:<first>:<last>` as a notice; null if it is not one. */
export function parseNotice(payload: string | undefined): EventNotice | null {
  const match = /^([a-z]{3}_[0-9a-f]{32}):(\d+):(\d+)$/.exec(payload ?? '');
  return match ? { patientId: match[1], first: Number(match[2]), last: Number(match[3]) } : null;
}
