import { invalidTransition } from './errors';

/**
 * A status lifecycle: which status may follow which. Tasks, goals and care
 * plans each declare theirs once with `defineLifecycle`; every move is checked
 * by `assertMove`, which fails with INVALID_TRANSITION (carrying `from`/`to`).
 */
export interface Lifecycle<S extends string> {
  /** What the errors call the thing that moves, e.g. "Task". */
  readonly name: string;
  readonly transitions: Readonly<Record<S, readonly S[]>>;
  canMove(from: S, to: S): boolean;
  /** Throws INVALID_TRANSITION unless `to` may follow `from`. */
  assertMove(from: S, to: S): void;
  /** Statuses nothing may follow. */
  isFinal(status: S): boolean;
  /** Every status something may still follow: the thing is open, work remains. */
  readonly open: readonly S[];
}

export function defineLifecycle<S extends string>(name: string, transitions: Record<S, readonly S[]>): Lifecycle<S> {
  const canMove = (from: S, to: S) => transitions[from].includes(to);
  return {
    name,
    transitions,
    canMove,
    assertMove(from, to) {
      if (!canMove(from, to)) throw invalidTransition(name, from, to);
    },
    isFinal: (status) => transitions[status].length === 0,
    open: (Object.keys(transitions) as S[]).filter((status) => transitions[status].length > 0),
  };
}
