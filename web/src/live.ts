import { createClient, type Client } from 'graphql-ws';
import { CARE_EVENTS, type LiveEvent } from './operations';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

export interface LiveFeed {
  stop(): void;
}

/** graphql-ws's close code for a refused or expired token. */
const FORBIDDEN = 4403;

/**
 * The page's one subscription: `careEvents` over graphql-ws, starting after
 * `cursor` (from `careEventsCursor`, read before the panel loaded, so nothing
 * between the load and the subscription is missed). Every delivery moves the
 * cursor; after a dropped connection or a server restart the client
 * reconnects (retrying for ever, backing off to 10 s) and subscribes again
 * after the last cursor it saw, so the hub replays exactly what was missed.
 * A 4403 close (token expired or refused) ends the feed: sign in again.
 */
export function startLiveFeed(
  token: string,
  cursor: string,
  handlers: { onEvent(event: LiveEvent): void; onState(state: LiveState): void; onError(message: string): void },
): LiveFeed {
  let stopped = false;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const client: Client = createClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: Infinity,
    keepAlive: 10_000,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** retries) + Math.random() * 250)),
    shouldRetry: (closeEvent) => (closeEvent as CloseEvent | undefined)?.code !== FORBIDDEN,
    on: {
      connected: () => handlers.onState('live'),
      closed: (event) => {
        if (stopped) return;
        handlers.onState((event as CloseEvent | undefined)?.code === FORBIDDEN ? 'signed-out' : 'reconnecting');
      },
      error: () => stopped || handlers.onState('reconnecting'),
    },
  });
  // graphql-ws sends this payload again on every reconnect, serialised at that moment: the cursor kept in it is
  // always the last one delivered, so the resubscription replays from there.
  const payload = { query: CARE_EVENTS, variables: { afterCursor: cursor } };
  const dispose = client.subscribe<{ careEvents: { cursor: string; event: LiveEvent } }>(payload, {
    next: (result) => {
      const delivery = result.data?.careEvents;
      if (delivery) {
        payload.variables.afterCursor = delivery.cursor;
        handlers.onEvent(delivery.event);
      } else if (result.errors?.length) {
        handlers.onError(result.errors[0].message);
      }
    },
    error: (err) => {
      if (stopped) return;
      const code = (err as CloseEvent | undefined)?.code;
      if (code === FORBIDDEN) handlers.onState('signed-out');
      else handlers.onError(Array.isArray(err) ? String(err[0]?.message) : 'The live feed stopped: reload the page.');
    },
    complete: () => {},
  });
  handlers.onState('connecting');
  return {
    stop() {
      stopped = true;
      dispose();
      void client.dispose();
    },
  };
}
