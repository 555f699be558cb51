import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { PgNotifyBus, type EventBus } from '../events/bus';
import { NatsEventBus } from '../events/nats-bus';
import { OutboxRelay } from '../events/outbox-relay';

/**
 * The bus EVENT_BUS names: PostgreSQL's LISTEN/NOTIFY (the default, nothing
 * else to run), or NATS JetStream with this instance's candidate for the one
 * outbox relay (unless EVENT_RELAY=false).
 */
export function createEventBus(config: Config, databaseUrl: string, logger: Logger): { bus: EventBus; relay: OutboxRelay | null } {
  const settings = config.eventBus;
  if (settings.kind === 'postgres') return { bus: new PgNotifyBus(databaseUrl, logger), relay: null };
  const bus = new NatsEventBus(settings.url, settings.stream, logger);
  return { bus, relay: settings.relay ? new OutboxRelay(databaseUrl, bus, logger) : null };
}
