import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/core';
import type { AccessScope } from '../auth/access';
import { consentLoader } from '../auth/consent';
import { membershipLoader } from '../auth/membership';
import type { Viewer } from '../auth/viewer';
import type { EventFeed } from '../events/feed';
import { AuditLog } from './audit';
import { HookHandlers } from './hooks';
import type { PatientWrite } from './patient-write';
import { Warnings } from './warnings';

/**
 * The request's DataLoaders: one per relation, built per request (and per
 * delivered event) so nothing cached outlives the viewer's access. The kernel
 * brings the membership loader; each module adds its own by augmenting this
 * interface next to its loader factory:
 *
 * ```ts
 * declare module '../../core/context' { interface Loaders extends ReturnType<typeof taskLoaders> {} }
 * ```
 */
export interface Loaders {
  /** patientId → is the viewer an active member of its care team (auth/membership.ts). */
  viewerIsMember: AccessScope['loaders']['viewerIsMember'];
  /** patientId → the scopes a caregiver viewer holds on it now (auth/consent.ts). */
  viewerConsent: AccessScope['loaders']['viewerConsent'];
}

/**
 * A module's loaders for one request: `em` to read with, the viewer, and
 * `all()` for the request's other loaders (to seed them with rows a
 * statement brought along, e.g. a team member's provider).
 */
export type LoaderFactory = (em: EntityManager, viewer: Viewer, all: () => Loaders) => object;

/**
 * Everything one operation may use. Built fresh per HTTP request and per
 * subscription event: its own entity manager fork, its own loaders (whose
 * caches therefore never outlive the viewer's access), its own audit buffer.
 */
export interface Context extends AccessScope {
  em: EntityManager;
  viewer: Viewer;
  loaders: Loaders;
  audit: AuditLog;
  requestId: string;
  /** What the response should warn about (core/warnings.ts): collected by services, sent in `extensions.warnings`. */
  warnings: Warnings;
  /** This instance's live event feed (absent in scripts that only write). */
  feed?: EventFeed;
  /** The modules' answers to each other's hooks (core/hooks.ts). */
  hooks: HookHandlers;
  /** Set on the context a patient write hands to services inside it (`write.context()`, core/patient-write.ts). */
  write?: PatientWrite;
  /**
   * The same request (viewer, audit, feed) reading and writing through
   * another entity manager, with loaders of its own: a patient write's
   * transaction, so what the write created is visible to every service it calls.
   */
  withEntityManager(em: EntityManager): Context;
}

/**
 * Makes contexts and loaders from the modules' loader factories. The
 * composition root builds one (src/app/contexts.ts); nothing else knows
 * which modules exist.
 */
export class Contexts {
  constructor(
    readonly orm: MikroORM,
    private readonly factories: readonly LoaderFactory[],
    readonly hooks: HookHandlers = new HookHandlers(),
  ) {}

  /** Every loader of every module, for one viewer reading through `em`. */
  loaders(em: EntityManager, viewer: Viewer): Loaders {
    const all = {
      viewerIsMember: membershipLoader(em, viewer.providerId),
      viewerConsent: consentLoader(em, viewer.kind === 'CAREGIVER' ? viewer.sub : null),
    } as Loaders;
    const get = () => all;
    for (const factory of this.factories) Object.assign(all, factory(em, viewer, get));
    return all;
  }

  /**
   * A fresh, per-operation context. The fork and the loaders are made on
   * first use, so an idle subscription (whose events each bring their own,
   * see events/resolution-scope.ts) holds neither.
   */
  create(viewer: Viewer, requestId: string, feed?: EventFeed, audit = new AuditLog(viewer, requestId), warnings = new Warnings()): Context {
    let em: EntityManager | undefined;
    let loaders: Loaders | undefined;
    const fork = () => this.orm.em.fork() as EntityManager;
    const loadersFor = (forEm: EntityManager) => this.loaders(forEm, viewer);
    const derive = (other: EntityManager) => {
      const derived = this.create(viewer, requestId, feed, audit, warnings);
      derived.em = other;
      return derived;
    };
    const hooks = this.hooks;
    return {
      viewer,
      requestId,
      feed,
      audit,
      warnings,
      hooks,
      get em() {
        return (em ??= fork());
      },
      set em(value) {
        em = value;
      },
      get loaders() {
        return (loaders ??= loadersFor(this.em));
      },
      set loaders(value) {
        loaders = value;
      },
      withEntityManager: derive,
    };
  }
}

/** Lets an idle subscription drop the fork and loaders it used to start; they are made again if needed. */
export function releaseScope(ctx: Context): void {
  ctx.em = undefined as never;
  ctx.loaders = undefined as never;
}
