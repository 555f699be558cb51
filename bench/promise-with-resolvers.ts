/** Promise.withResolvers for Node 20 (Node 22 has it): PostGraphile 5 (grafast, grafserv, @dataplan/pg) calls it. For the bench's PostGraphile only. */
if (!(Promise as { withResolvers?: unknown }).withResolvers) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
