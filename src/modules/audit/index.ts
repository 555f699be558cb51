import { defineModule } from '../../core/module';
import { AuditResolver } from './audit.resolver';

/**
 * The audit trail, for operators. Recording it is the kernel's job
 * (core/audit.ts: every read and write of patient data, append-only); this
 * module only lets ADMIN read it.
 */
export const auditModule = defineModule({
  name: 'audit',
  entities: [],
  resolvers: [AuditResolver],
});
