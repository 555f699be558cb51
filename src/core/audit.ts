import type { EntityManager } from '@mikro-orm/postgresql';
import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ActorKind, AuditKind, AuditRecord } from './audit-record.entity';
import type { Viewer } from '../auth/viewer';

/**
 * How an operation is named in the audit trail: its type, the name the client
 * gave it, and the root fields it ran, e.g. `query Chart { patient }`. The
 * name alone is the client's choice; the fields say what was reached.
 */
export function auditedOperationName(operation: OperationDefinitionNode): string {
  const fields = operation.selectionSet.selections.map((s) => ('name' in s && s.name ? s.name.value : '…'));
  return `${operation.operation}${operation.name ? ` ${operation.name.value}` : ''} { ${fields.join(' ')} }`;
}

/**
 * Collects the audit trail of one operation. Writes are recorded inside the
 * mutation's transaction (`recordWrite`); reads are buffered and written in
 * one statement when the response is sent (`flushReads`), so a dashboard of
 * 25 patients costs one INSERT, not 25 — and the reads of operations that
 * finish together share that INSERT (`AuditGroupCommit`).
 */
export class AuditLog {
  private readonly readPatients = new Set<string>();
  /** Patients the request was refused (null: an id that names nothing). */
  private readonly deniedPatients = new Set<string | null>();

  constructor(
    private readonly viewer: Viewer,
    private readonly requestId: string,
    /** The operation, as `auditedOperationName` names it. */
    public operation = 'unknown',
  ) {}

  /**
   * Names the operation after its document, once per operation, wherever it
   * arrives (Apollo over HTTP, graphql-ws for queries, mutations and
   * subscriptions alike).
   */
  nameOperation(document: DocumentNode, operationName?: string | null): void {
    const operation = getOperationAST(document, operationName);
    if (operation) this.operation = auditedOperationName(operation);
  }

  read(patientId: string): void {
    this.readPatients.add(patientId);
  }

  /**
   * A refused attempt on a patient's data (or, with null, on an id that
   * names nothing): recorded like a read, outside any write's transaction,
   * so the refusal stays on the trail although the write rolled back.
   */
  denied(patientId: string | null): void {
    this.deniedPatients.add(patientId);
  }

  /** The write's record, in its transaction; `overrideReason` when the writer overrode a safety check. */
  recordWrite(em: EntityManager, patientId: string | null, overrideReason: string | null = null): void {
    em.persist(em.create(AuditRecord, { ...this.record(patientId, AuditKind.WRITE), overrideReason }));
  }

  /** Writes the buffered reads and refusals in one statement (when the response is sent). */
  async flushReads(em: EntityManager): Promise<void> {
    if (this.readPatients.size === 0 && this.deniedPatients.size === 0) return;
    const rows = [
      ...[...this.readPatients].map((patientId) => this.record(patientId, AuditKind.READ)),
      ...[...this.deniedPatients].map((patientId) => this.record(patientId, AuditKind.DENIED)),
    ];
    this.readPatients.clear();
    this.deniedPatients.clear();
    await groupCommit(em).write(rows);
  }

  private record(patientId: string | null, kind: AuditKind) {
    return {
      actorSub: this.viewer.sub,
      actorKind: this.viewer.kind as ActorKind,
      actorProviderId: this.viewer.providerId,
      patientId,
      operation: this.operation,
      kind,
      requestId: this.requestId,
      overrideReason: null,
    } as AuditRecord;
  }
}

/**
 * Group commit of read audit records: the rows of every operation that
 * finishes while an INSERT is under way go into the next INSERT together, so
 * fifty dashboards answering at once cost a few statements and commits, not
 * fifty. Each operation still waits until the statement holding its rows has
 * committed: nothing is answered before its audit record is durable. If a
 * shared statement fails, each operation's rows are tried alone, so one
 * operation's failure never becomes another's.
 */
export class AuditGroupCommit {
  private queue: { rows: AuditRecord[]; done: (error?: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly em: EntityManager) {}

  write(rows: AuditRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.em.fork().insertMany(
            AuditRecord,
            batch.flatMap((w) => w.rows),
          );
          for (const w of batch) w.done();
        } catch (error) {
          if (batch.length === 1) batch[0].done(error);
          else for (const w of batch) await this.insertAlone(w);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async insertAlone(w: { rows: AuditRecord[]; done: (error?: unknown) => void }): Promise<void> {
    try {
      await this.em.fork().insertMany(AuditRecord, w.rows);
      w.done();
    } catch (error) {
      w.done(error);
    }
  }
}

/** One group commit per database (the ORM's root entity manager behind whatever fork a caller holds). */
const groupCommits = new WeakMap<object, AuditGroupCommit>();
function groupCommit(em: EntityManager): AuditGroupCommit {
  const driver = em.getDriver();
  let commit = groupCommits.get(driver);
  if (!commit) groupCommits.set(driver, (commit = new AuditGroupCommit(em)));
  return commit;
}
