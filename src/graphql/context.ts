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
 * A long-lived subscription resolves each event with a new entity manager and
 * new loaders, so nothing read for one event (or cached access) leaks into the next.
 */
export function refreshContext(ctx: Context): void {
  ctx.em = ctx.em.fork();
  ctx.loaders = createLoaders(ctx.em, ctx.viewer);
}
