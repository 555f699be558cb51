import { Arg, Args, Ctx, ID, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../core/context';
import { badInput } from '../core/errors';
import { expectId } from '../core/ids';
import { BackwardPageArgs } from '../core/pagination';
import { Event } from './event.entity';
import { EventConnection, events } from './events.service';
import { feedOf, patientEventStream, toEvent, type LiveItem } from './live';

/**
 * A patient's event history and live stream. What an event concerns
 * (`Event.patient`, `Event.task`, …) is added to the type by the module that
 * owns that object.
 */
@Resolver(() => Event)
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      "A patient's events in sequence order: `first`/`after` from the oldest, or `last` (then `before: pageInfo.startCursor`) " +
      'for the newest, e.g. `last: 20` for the latest twenty. NOT_FOUND unless the caller is an active member of the care team.',
  })
  patientEvents(
    @Arg('patientId', () => ID, { description: 'A Patient id ("pat_…").' }) patientId: string,
    @Args() args: BackwardPageArgs,
    @Ctx() ctx: Context,
  ) {
    return events.ofPatient(ctx, patientId, args);
  }

  @Subscription(() => Event, {
    name: 'patientEvents',
    description:
      'Every stored event of the patient after `afterSequence` (omit it for live events only), then live events: ' +
      'in order, each once. Completes with FORBIDDEN when the caller leaves the care team.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { patientId: string; afterSequence?: number | null }, Context>) => {
      const patientId = expectId('Patient', args.patientId, 'patientId');
      if (args.afterSequence != null && args.afterSequence < 0) throw badInput('afterSequence', 'afterSequence must be ≥ 0');
      return patientEventStream(context, feedOf(context), patientId, args.afterSequence);
    },
  })
  patientEventsLive(
    @Root() item: LiveItem,
    @Arg('patientId', () => ID, {
      description: 'A Patient id ("pat_…"); NOT_FOUND unless the caller is an active member of the care team.',
    })
    _patientId: string,
    @Arg('afterSequence', () => Int, {
      nullable: true,
      description:
        'The last `sequence` the client has (0 for the whole history); BAD_USER_INPUT if negative. Omit it for live events only.',
    })
    _afterSequence: number | null,
    @Ctx() ctx: Context,
  ): Event {
    return toEvent(item, ctx);
  }
}
