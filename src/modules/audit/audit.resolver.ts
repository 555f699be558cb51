import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { access } from '../../auth/access';
import { AuditRecord } from '../../core/audit-record.entity';
import type { Context } from '../../core/context';
import { expectId } from '../../core/ids';
import { Connection, keysetPage, PageArgs, toPage } from '../../core/pagination';

export const AuditRecordConnection = Connection(AuditRecord, 'AuditRecord');

export const auditTrail = {
  /** ADMIN reads a patient's trail, oldest first. */
  async ofPatient(ctx: Context, patientId: string, args: PageArgs) {
    access.assertAdmin(ctx);
    expectId('Patient', patientId, 'patientId');
    const page = toPage(args, ['bigint']);
    ctx.audit.read(patientId); // reading the trail is itself on the trail
    return keysetPage(ctx.em, AuditRecord, { patientId }, page, 'id');
  },
};

@Resolver(() => AuditRecord)
export class AuditResolver {
  @Query(() => AuditRecordConnection, {
    description:
      "ADMIN: who read or changed this patient's data, oldest first (FORBIDDEN for others). Reading the trail is itself recorded.",
  })
  auditTrail(
    @Arg('patientId', () => ID, { description: 'A Patient id ("pat_…"); the trail outlives the patient.' }) patientId: string,
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return auditTrail.ofPatient(ctx, patientId, args);
  }
}
