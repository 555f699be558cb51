import type { EventBus } from './bus';
import type { Logger } from '../core/logger';

interface Followed {
  count: number;
  /** Settles once the bus delivers notices about the id. */
  ready: Promise<void>;
  settled: boolean;
}

/**
 * What this instance's clients follow, counted, for a bus that delivers only
 * what is asked for (NATS): the first follower of an id starts the bus's
 * interest, the last one to leave ends it. With a bus that hears everything
 * (PostgreSQL) every call is a no-op that answers "nothing was missed".
 */
export class Interest {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Does this bus deliver only what is followed? */
  get selective(): boolean {
    return Boolean(this.bus.follow);
  }

  /**
   * Follows `id`. Resolves with true once notices about it arrive if, when
   * called, they did not yet: a reader of the table before that moment may
   * have missed a notice and must read again.
   */
  add(id: string): Promise<boolean> {
    if (!this.bus.follow) return Promise.resolve(false);
    const existing = this.followed.get(id);
    if (existing) {
      existing.count += 1;
      return existing.settled ? Promise.resolve(false) : existing.ready.then(() => true);
    }
    const entry: Followed = { count: 1, settled: false, ready: Promise.resolve() };
    entry.ready = this.bus
      .follow(id)
      .catch((err: unknown) => {
        // The bus re-establishes its interest when it reconnects, and then resyncs everything.
        this.logger.warn({ err: (err as Error).message }, 'event bus: following failed; catching up when it reconnects');
      })
      .finally(() => (entry.settled = true));
    this.followed.set(id, entry);
    return entry.ready.then(() => true);
  }

  /** Ends one `add(id)`. */
  remove(id: string): void {
    const entry = this.followed.get(id);
    if (!entry) return;
    entry.count -= 1;
    if (entry.count > 0) return;
    this.followed.delete(id);
    this.bus.unfollow?.(id);
  }
}
