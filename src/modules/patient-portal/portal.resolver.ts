import { Arg, Ctx, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../../core/context';
import { feedOf } from '../../events/live';
import { myEventStream, toMyEvent, type PortalItem } from './portal-events';
import { MyEvent, MyRecord } from './portal.types';
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

  @Subscription(() => MyEvent, {
    description:
      "The patient's own events for the patient's app: every event after `afterSequence` (when given), then live ones, in order and each once, " +
      "leaving out clinicians' internal notes (task and plan notes). For a patient token, or a caregiver whose consent includes VIEW_PLAN " +
      '(NOT_FOUND otherwise); a caregiver whose consent is revoked is ended with FORBIDDEN at the next event. FORBIDDEN for providers and operators.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { afterSequence?: number | null }, Context>) =>
      myEventStream(context, feedOf(context), args.afterSequence),
  })
  myEvents(
    @Root() item: PortalItem,
    @Arg('afterSequence', () => Int, {
      nullable: true,
      description: 'Resume after this sequence (the last one received); without it, only events from now on.',
    })
    _afterSequence: number | null,
  ): MyEvent {
    return toMyEvent(item);
  }
}
