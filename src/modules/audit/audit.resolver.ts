import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { access } from '../../auth/access';
import type { Context } from '../../graphql/context';
import { expectId } from '../../graphql/ids';
import { Connection, PageArgs, toConnection, toPage } from '../../graphql/pagination';
import { AuditRecord } from './audit-record.entity';

export const AuditRecordConnection = Connection(AuditRecord, 'AuditRecord');

export const auditTrail = {
  /** ADMIN reads a patient's trail, oldest first. */
  async ofPatient(ctx: Context, patientId: string, args: PageArgs) {
    access.assertAdmin(ctx);
    expectId('Patient', patientId, 'patientId');
    const page = toPage(args, ['bigint']);
    ctx.audit.read(patientId); // reading the trail is itself on the trail
    const where = { patientId, ...(page.after ? { id: { $gt: String(page.after[0]) } } : {}) };
    const [rows, totalCount] = await Promise.all([
      ctx.em.find(AuditRecord, where, { orderBy: { id: 'asc' }, limit: page.first + 1 }),
      ctx.em.count(AuditRecord, { patientId }),
    ]);
    return toConnection(rows, page.first, totalCount, (r) => [r.id]);
  },
};

@Resolver(() => AuditRecord)
export class AuditResolver {
  @Query(() => AuditRecordConnection, { description: 'ADMIN: who read or changed this patient\'s data.' })
  auditTrail(@Arg('patientId', () => ID) patientId: string, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return auditTrail.ofPatient(ctx, patientId, args);
  }
}
