import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context, Contexts, Loaders } from '../core/context';

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

  constructor(private readonly contexts: Contexts) {
    this.em = contexts.orm.em.fork() as EntityManager;
  }

  /** Points a subscription's context at this scope's entity manager and the viewer's loaders. */
  bind(ctx: Context): void {
    const key = ctx.viewer.providerId ?? `sub:${ctx.viewer.sub}`;
    let loaders = this.loadersByViewer.get(key);
    if (!loaders) this.loadersByViewer.set(key, (loaders = this.contexts.loaders(this.em, ctx.viewer)));
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
