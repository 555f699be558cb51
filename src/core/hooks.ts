import type { Context } from './context';

/** One module's answer to another module's hook, listed in its descriptor (`HubModule.hooks`). */
export interface HookHandler {
  readonly hook: Hook<never>;
  readonly handle: (ctx: Context, ...args: never[]) => Promise<void>;
}

/**
 * A point where a module lets the modules that depend on it act inside its
 * change, without knowing them: check-ins declare "a check-in was recorded",
 * and alerts — which depends on check-ins, not the other way round — answers
 * it by evaluating the plan's warning-sign rules in the same patient write.
 * The composition root collects the handlers from the module descriptors into
 * the `Contexts` (core/context.ts), so nothing is registered globally.
 */
export class Hook<Args extends unknown[]> {
  constructor(
    /** Names the hook in errors and docs. */
    readonly name: string,
  ) {}

  /** A handler for a module descriptor's `hooks`. */
  handledBy(handle: (ctx: Context, ...args: Args) => Promise<void>): HookHandler {
    return { hook: this as never, handle: handle as never };
  }

  /** Runs every handler in module order, one after the other, with the caller's context (inside its write). */
  async run(ctx: Context, ...args: Args): Promise<void> {
    for (const handle of ctx.hooks.handlersOf(this)) await handle(ctx, ...args);
  }
}

export function defineHook<Args extends unknown[]>(name: string): Hook<Args> {
  return new Hook<Args>(name);
}

/** The handlers of every hook, in module order. */
export class HookHandlers {
  private readonly byHook = new Map<Hook<never>, HookHandler['handle'][]>();

  constructor(handlers: readonly HookHandler[] = []) {
    for (const { hook, handle } of handlers) this.byHook.set(hook, [...(this.byHook.get(hook) ?? []), handle]);
  }

  handlersOf<Args extends unknown[]>(hook: Hook<Args>): readonly ((ctx: Context, ...args: Args) => Promise<void>)[] {
    return (this.byHook.get(hook as never) ?? []) as never;
  }
}
