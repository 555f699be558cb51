import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface Subscription<R> {
  results: ExecutionResult<R>[];
  /** Resolves once `n` results arrived (rejects after `ms`). */
  received(n: number, ms?: number): Promise<ExecutionResult<R>[]>;
  /** Resolves when the server completes the subscription, with the error if it ended with one. */
  done: Promise<unknown>;
  dispose(): Promise<void>;
}

/** A dashboard: a graphql-ws client connected with the given token. */
export function wsClient(wsUrl: string, token: string | null, options: { lazy?: boolean } = {}): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: options.lazy ?? true,
    retryAttempts: 0,
  });
}

export function subscribe<R, V>(client: Client, doc: TypedDocumentNode<R, V>, variables: V): Subscription<R> {
  const results: ExecutionResult<R>[] = [];
  const waiters: (() => void)[] = [];
  let settle!: (value: unknown) => void;
  const done = new Promise((resolve) => (settle = resolve));
  const unsubscribe = client.subscribe<R>(
    { query: print(doc), variables: variables as Record<string, unknown> },
    {
      next: (value) => {
        results.push(value as ExecutionResult<R>);
        waiters.forEach((w) => w());
      },
      error: (err) => {
        settle(err);
        waiters.forEach((w) => w());
      },
      complete: () => {
        settle(null);
        waiters.forEach((w) => w());
      },
    },
  );
  return {
    results,
    done,
    received(n, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`received ${results.length} of ${n} results: ${JSON.stringify(results).slice(0, 500)}`)),
          ms,
        );
        const check = () => {
          if (results.length >= n) {
            clearTimeout(timer);
            resolve(results.slice(0, n));
          }
        };
        waiters.push(check);
        check();
      });
    },
    async dispose() {
      unsubscribe();
    },
  };
}
