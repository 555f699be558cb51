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

/**
 * A fresh, per-operation context: its own entity manager fork, loaders and
 * audit buffer. The fork and the loaders are made on first use, so an idle
 * subscription (whose events each bring their own, see ResolutionScope)
 * holds neither.
 */
export function createContext(orm: Orm, viewer: Viewer, requestId: string, feed?: EventFeed): Context {
  let em: EntityManager | undefined;
  let loaders: Loaders | undefined;
  return {
    viewer,
    requestId,
    feed,
    audit: new AuditLog(viewer, requestId),
    get em() {
      return (em ??= orm.em.fork());
    },
    set em(value) {
      em = value;
    },
    get loaders() {
      return (loaders ??= createLoaders(this.em, viewer));
    },
    set loaders(value) {
      loaders = value;
    },
  };
}

/** Lets an idle subscription drop the fork and loaders it used to start; they are made again if needed. */
export function releaseScope(ctx: Context): void {
  ctx.em = undefined as never;
  ctx.loaders = undefined as never;
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
