import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { MyRecord } from './portal.types';
import { patientPortal } from './portal.service';

@Resolver(() => MyRecord)
export class PatientPortalResolver {
  @Query(() => MyRecord, {
    description:
      "The patient's own record, care team, active plan and check-ins in plain language, without clinicians' internal notes: for a patient token, " +
      'or a caregiver token whose consent includes VIEW_PLAN (NOT_FOUND without it, or once revoked). FORBIDDEN for providers and operators, ' +
      'who use `patient(id:)`.',
  })
  myRecord(@Ctx() ctx: Context) {
    return patientPortal.myRecord(ctx);
  }
}
