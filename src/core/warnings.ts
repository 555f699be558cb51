/**
 * Warnings: something the client should know about a change that still
 * succeeded (a provider booked twice at the same time). A service adds them
 * to the request's context; the HTTP server hands them to the client in the
 * response's `extensions.warnings` (src/app/apollo.ts, docs/contract.md
 * "Warnings"). They never stop a change: an error does that.
 */

/** The closed set of warning codes clients may rely on (docs/contract.md). */
export enum WarningCode {
  /** An appointment overlaps another appointment of the same assignee. */
  DOUBLE_BOOKED = 'DOUBLE_BOOKED',
}

export interface Warning {
  code: WarningCode;
  message: string;
  /** The input field the warning is about, e.g. `startAt`. */
  field?: string;
  /** More facts, by name (a warning's own fields; nothing internal). */
  [detail: string]: unknown;
}

/** The warnings of one operation, shared by every context derived from the request's. */
export class Warnings {
  private readonly list: Warning[] = [];

  add(warning: Warning): void {
    this.list.push(warning);
  }

  /** What the response carries; empty when all went as asked. */
  all(): readonly Warning[] {
    return this.list;
  }
}
