import crypto from 'node:crypto';
import fs from 'node:fs';
import { GraphQLError } from 'graphql';

/**
 * The registered documents (PERSISTED_OPERATIONS_FILE): a JSON object from
 * the SHA-256 (hex) of a document's text to the text, as clients hash it for
 * automatic persisted queries. With PERSISTED_OPERATIONS_ONLY the hub runs
 * nothing else; either way Apollo reads documents sent by hash from it.
 */
export class PersistedOperations {
  private readonly byHash: Map<string, string>;

  constructor(file: string) {
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    this.byHash = new Map();
    for (const [hash, query] of Object.entries(manifest)) {
      // A wrong entry would silently never match: say so at start-up instead.
      if (typeof query !== 'string' || sha256(query) !== hash.toLowerCase()) {
        throw new Error(`${file}: the entry ${hash} is not the SHA-256 of its document`);
      }
      this.byHash.set(hash.toLowerCase(), query);
    }
  }

  /** Whether this document text is registered. */
  has(query: string): boolean {
    return this.byHash.has(sha256(query));
  }

  /** Apollo's persisted-query cache, read-only: a client cannot register a document by sending it. */
  get cache() {
    return {
      // Apollo prefixes its keys ('apq:<hash>').
      get: async (key: string) => this.byHash.get(key.replace(/^apq:/, '').toLowerCase()),
      set: async () => undefined,
      delete: async () => undefined,
    };
  }
}

/** The error for a document that is not registered (code as Apollo's router names it). */
export function notRegistered(): GraphQLError {
  return new GraphQLError('Only registered operations are accepted', {
    extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
  });
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
