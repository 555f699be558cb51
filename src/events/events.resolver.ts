import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../graphql/context';
import { badInput, forbidden } from '../graphql/errors';
import { expectId } from '../graphql/ids';
import { PageArgs } from '../graphql/pagination';
import { CarePlan } from '../modules/care-plans/care-plan.entity';
import { carePlans } from '../modules/care-plans/care-plans.service';
import { Goal } from '../modules/goals/goal.entity';
import { goals } from '../modules/goals/goals.service';
import { Patient } from '../modules/patients/patient.entity';
import { patients } from '../modules/patients/patients.service';
import { Provider } from '../modules/providers/provider.entity';
import { providers } from '../modules/providers/providers.service';
import { Task } from '../modules/tasks/task.entity';
import { tasks } from '../modules/tasks/tasks.service';
import { Event } from './event.entity';
import { EventConnection, events } from './events.service';
import type { EventFeed } from './feed';
import { ACCESS_ENDED, myTaskEventStream, patientEventStream, type LiveItem } from './live';
import { auditedOperationName } from '../modules/audit/audit.service';

function feedOf(ctx: Context): EventFeed {
  if (!ctx.feed) throw new Error('subscriptions need the live event feed');
  return ctx.feed;
}

/** Names the subscription's audit records (the Apollo audit plugin sees HTTP operations only). */
function nameAuditedOperation(ctx: Context, info: GraphQLResolveInfo): void {
  ctx.audit.operation = auditedOperationName(info.operation);
}

/** Per event: refuse if access ended, else resolve it in the scope it shares with its other subscribers. */
function toEvent(item: LiveItem, ctx: Context): Event {
  if (item === ACCESS_ENDED) throw forbidden('Your membership of this care team has ended');
  item.scope.bind(ctx);
  ctx.loaders.viewerIsMember.prime(item.event.patient.id, true); // checked against the team read with the event
  return item.event;
}

@Resolver(() => Event)
export class EventResolver {
  @Query(() => EventConnection, { description: 'A patient\'s events in sequence order (cursor: continue after a page).' })
  patientEvents(@Arg('patientId', () => ID) patientId: string, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return events.ofPatient(ctx, patientId, args);
  }

  @Subscription(() => Event, {
    name: 'patientEvents',
    description:
      'Every stored event of the patient after `afterSequence` (omit it for live events only), then live events: '
      + 'in order, each once. Completes with FORBIDDEN when the caller leaves the care team.',
    subscribe: ({ args, context, info }: SubscribeResolverData<unknown, { patientId: string; afterSequence?: number | null }, Context>) => {
      nameAuditedOperation(context, info);
      const patientId = expectId('Patient', args.patientId, 'patientId');
      if (args.afterSequence != null && args.afterSequence < 0) throw badInput('afterSequence', 'afterSequence must be ≥ 0');
      return patientEventStream(context, feedOf(context), patientId, args.afterSequence);
    },
  })
  patientEventsLive(
    @Root() item: LiveItem,
    @Arg('patientId', () => ID) _patientId: string,
    @Arg('afterSequence', () => Int, { nullable: true }) _afterSequence: number | null,
    @Ctx() ctx: Context,
  ): Event {
    return toEvent(item, ctx);
  }

  @Subscription(() => Event, {
    description: 'Events of tasks assigned to the caller (and of a task taken away from them), live.',
    subscribe: ({ context, info }: SubscribeResolverData<unknown, object, Context>) => {
      nameAuditedOperation(context, info);
      return myTaskEventStream(context, feedOf(context));
    },
  })
  myTaskEvents(@Root() item: LiveItem, @Ctx() ctx: Context): Event {
    return toEvent(item, ctx);
  }

  @FieldResolver(() => Provider, { nullable: true, description: 'Null when an operator made the change.' })
  actor(@Root() event: Event, @Ctx() ctx: Context) {
    return event.actor ? providers.get(ctx, event.actor.id) : null;
  }

  @FieldResolver(() => Patient)
  patient(@Root() event: Event, @Ctx() ctx: Context) {
    return patients.get(ctx, event.patient.id);
  }

  @FieldResolver(() => CarePlan, { nullable: true })
  carePlan(@Root() event: Event, @Ctx() ctx: Context) {
    return event.carePlan ? carePlans.get(ctx, event.carePlan.id) : null;
  }

  @FieldResolver(() => Task, { nullable: true })
  task(@Root() event: Event, @Ctx() ctx: Context) {
    return event.task ? tasks.get(ctx, event.task.id) : null;
  }

  @FieldResolver(() => Goal, { nullable: true })
  goal(@Root() event: Event, @Ctx() ctx: Context) {
    return event.goal ? goals.get(ctx, event.goal.id) : null;
  }
}
