import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import type { Orm } from '../db/orm';
import type { EventFeed } from '../events/feed';
import { AuditLog } from '../modules/audit/audit.service';
import { createLoaders, type Loaders } from './loaders';

/**
 * Everything one GraphQL operation may use. Built fresh per HTTP request and
 * per subscription event: its own entity manager fork, its own loaders (whose
 * caches therefore never outlive the viewer's access), its own audit buffer.
 */
export interface Context {
  em: EntityManager;
  viewer: Viewer;
  loaders: Loaders;
  audit: AuditLog;
  requestId: string;
  /** This instance's live event feed (absent in scripts that only write). */
  feed?: EventFeed;
}

/** A fresh, per-operation context: its own entity manager fork, loaders and audit buffer. */
export function createContext(orm: Orm, viewer: Viewer, requestId: string, feed?: EventFeed): Context {
  const em = orm.em.fork();
  return { em, viewer, requestId, feed, loaders: createLoaders(em, viewer), audit: new AuditLog(viewer, requestId) };
}

/**
 * Resolves one batch of live events for every subscriber it reaches: one
 * entity manager for the batch, one set of loaders per distinct viewer. A
 * thousand dashboards of one care team watching a patient then cost one read
 * of the event's task and actor per team member, not one per dashboard; and
 * since every batch gets a new scope, nothing read (or cached access) for one
 * event leaks into the next.
 */
export class ResolutionScope {
  readonly em: EntityManager;
  private readonly loadersByViewer = new Map<string, Loaders>();
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(em: EntityManager) {
    this.em = em.fork();
  }

  /** Points a subscription's context at this scope's entity manager and the viewer's loaders. */
  bind(ctx: Context): void {
    const key = ctx.viewer.providerId ?? `sub:${ctx.viewer.sub}`;
    let loaders = this.loadersByViewer.get(key);
    if (!loaders) this.loadersByViewer.set(key, (loaders = createLoaders(this.em, ctx.viewer)));
    ctx.em = this.em;
    ctx.loaders = loaders;
  }

  /** Computes a value once per scope, whoever asks (for reads that do not depend on the viewer). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) this.memos.set(key, (value = compute()));
    return value;
  }
}
