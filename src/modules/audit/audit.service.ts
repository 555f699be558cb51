import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditKind, AuditRecord } from './audit-record.entity';
import type { Viewer } from '../../auth/viewer';

/**
 * Collects the audit trail of one operation. Writes are recorded inside the
 * mutation's transaction (`recordWrite`); reads are buffered and written in
 * one statement when the response is sent (`flushReads`), so a dashboard of
 * 25 patients costs one INSERT, not 25.
 */
export class AuditLog {
  private readonly readPatients = new Set<string>();

  constructor(
    private readonly viewer: Viewer,
    private readonly requestId: string,
    /** Operation name as clients see it: the GraphQL operation name or its root fields. */
    public operation = 'unknown',
  ) {}

  read(patientId: string): void {
    this.readPatients.add(patientId);
  }

  recordWrite(em: EntityManager, patientId: string | null): void {
    em.persist(em.create(AuditRecord, this.record(patientId, AuditKind.WRITE)));
  }

  async flushReads(em: EntityManager): Promise<void> {
    if (this.readPatients.size === 0) return;
    const rows = [...this.readPatients].map((patientId) => this.record(patientId, AuditKind.READ));
    this.readPatients.clear();
    await em.insertMany(AuditRecord, rows);
  }

  private record(patientId: string | null, kind: AuditKind) {
    return {
      actorSub: this.viewer.sub,
      actorProviderId: this.viewer.providerId,
      patientId,
      operation: this.operation,
      kind,
      requestId: this.requestId,
    } as AuditRecord;
  }
}
