import type { WebSocket } from 'ws';

/**
 * One `JSON.stringify` per shared result, however many subscribers it goes
 * to. subscribeShared (subscriptions.ts) hands every subscription that asks
 * the same (viewer, operation, variables, event, cursor) the same result
 * object; here its payload is serialised once, and each subscriber's `next`
 * frame is its own envelope (`{"id":…,"type":"next","payload":`) around that
 * shared text.
 *
 * graphql-ws builds each frame with `JSON.stringify({ id, type, payload })`
 * and hands the string to the socket's `send` in the same synchronous step
 * (graphql-ws 6, server.ts `emit.next`). `onNext` returns a SharedPayload as
 * the payload: its `toJSON` leaves a marker in the envelope (cheap: a few
 * bytes) and notes itself as pending; the socket's `send`, wrapped by
 * `spliceSharedPayloads`, swaps the marker for the shared text before ws
 * writes the frame. What reaches the client is byte for byte what graphql-ws
 * would have written (same key order, same id, same payload).
 */
export class SharedPayload {
  private constructor(
    /** The payload as graphql-ws would serialise it: the result without `errors` (only results without errors are shared). */
    readonly json: string,
  ) {}

  private static readonly byResult = new WeakMap<object, SharedPayload>();

  /** The payload of `result`, serialised on first use; undefined for a result with errors (graphql-ws's own path formats those). */
  static of(result: { errors?: unknown }): SharedPayload | undefined {
    if (result.errors) return undefined;
    let shared = SharedPayload.byResult.get(result);
    if (!shared) SharedPayload.byResult.set(result, (shared = new SharedPayload(JSON.stringify(result))));
    return shared;
  }

  /** Called by JSON.stringify while graphql-ws serialises the envelope: the marker, spliced out again in `send`. */
  toJSON(): string {
    pending = this.json;
    return MARKER;
  }
}

/** A string no payload can be (a `next` payload is an object), so an envelope ending with it was built around a SharedPayload. */
const MARKER = '\u0000shared payload';
const MARKED_END = `,"payload":${JSON.stringify(MARKER)}}`;
/** The text of the SharedPayload whose marker was serialised last; its frame is sent before the next one is built. */
let pending: string | null = null;

/** The frame to write: the envelope with the pending shared payload in place of its marker. */
export function withSharedPayload(data: unknown): unknown {
  if (typeof data !== 'string' || !data.endsWith(MARKED_END)) return data;
  const shared = pending;
  pending = null;
  if (shared === null) throw new Error('A shared payload marker without its payload');
  return `${data.slice(0, -MARKED_END.length)},"payload":${shared}}`;
}

type Callback = (err?: Error) => void;

/**
 * Wraps the socket's `send` so that frames built around a SharedPayload carry
 * their text (text frames, never compressed). graphql-ws waits for the
 * write's callback before it takes a subscription's next result; when the
 * frame went to the kernel at once (nothing left buffered) the callback runs
 * now rather than a tick later through the stream's bookkeeping, which a
 * fan-out to thousands of sockets pays per socket. A socket with a backlog
 * still calls back when it has written the frame out, so a slow client keeps
 * slowing only its own subscriptions.
 */
export function spliceSharedPayloads(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (data: unknown, options: object, cb?: Callback) => void;
  socket.send = ((data: unknown, options?: object | Callback, cb?: Callback) => {
    if (typeof options === 'function') [options, cb] = [undefined, options as Callback];
    const frame = withSharedPayload(data);
    const opts = options ?? (typeof frame === 'string' ? TEXT : {});
    if (!cb || socket.readyState !== socket.OPEN) return send(frame, opts, cb);
    let written = false;
    send(frame, opts, (err) => {
      if (!written) cb(err);
    });
    if (socket.bufferedAmount === 0) {
      written = true;
      cb();
    }
  }) as WebSocket['send'];
}

const TEXT = { binary: false, compress: false };
