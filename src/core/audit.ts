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
 * 25 patients costs one INSERT, not 25.
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
    await em.insertMany(AuditRecord, rows);
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
