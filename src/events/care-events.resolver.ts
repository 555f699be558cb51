import { Arg, Ctx, Field, ObjectType, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../core/context';
import { careEventStream, careEventsCursor, type CareItem } from './care-events';
import { Event } from './event.entity';
import { feedOf, toEvent } from './live';

@ObjectType({ description: 'One event of the `careEvents` feed, with the cursor to resume the feed right after it.' })
export class CareEventDelivery {
  @Field({
    description:
      'Where the feed stands after this event, for every patient on your panel: keep the last one and pass it as `afterCursor` ' +
      'when you subscribe again (after a reconnect), to get what you missed with no gap and no duplicate. Opaque; valid for you only.',
  })
  cursor!: string;

  @Field(() => Event, { description: 'The event: a change to the care of a patient whose care team you were on when it happened.' })
  event!: Event;
}

/** One live feed of every patient on the caller's panel (docs/contract.md, "One live feed for a dashboard"). */
@Resolver()
export class CareEventsResolver {
  @Query(() => String, {
    description:
      'Your position in the `careEvents` feed now: every patient whose care team you are on, at its latest event. Ask for it in the ' +
      "query that loads your dashboard (it is read before the query's other fields), then subscribe to `careEvents(afterCursor:)` " +
      'with it, so no change made meanwhile is missed. A provider only (FORBIDDEN otherwise).',
  })
  careEventsCursor(@Ctx() ctx: Context): Promise<string> {
    return careEventsCursor(ctx);
  }

  @Subscription(() => CareEventDelivery, {
    name: 'careEvents',
    description:
      'Every event of every patient whose care team you are on, in one subscription: each patient in `sequence` order, each event ' +
      'once. A patient appears with the event that adds you to its team (earlier events stay out) and disappears after the event that ' +
      'ends your membership. With `afterCursor`, first what you have not had since that cursor (patients you joined meanwhile from the ' +
      'start of your membership, patients you left meanwhile not at all), then live events. A provider only (FORBIDDEN otherwise).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { afterCursor?: string | null }, Context>) =>
      careEventStream(context, feedOf(context), args.afterCursor ?? null),
  })
  careEvents(
    @Root() item: CareItem,
    @Arg('afterCursor', () => String, {
      nullable: true,
      description:
        'A `cursor` from `careEventsCursor` or from the last delivery you received; omit it for live events only. ' +
        'BAD_USER_INPUT if it is not one the hub gave you.',
    })
    _afterCursor: string | null,
    @Ctx() ctx: Context,
  ): CareEventDelivery {
    return { cursor: item.cursor, event: toEvent(item, ctx) };
  }
}
