import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event, subjectOf } from '../../events/event.entity';
import { feedOf, panelEventStream, toEvent, type LiveItem } from '../../events/live';
import { CarePlan, carePlans } from '../care-plans';
import { Provider, providers } from '../providers';
import { mentionsProvider } from './mention-events';
import { CarePlanNote } from './plan-note.entity';
import { AddCarePlanNoteInput, CarePlanNoteConnection } from './plan-note.types';
import { planNotes } from './plan-notes.service';

@Resolver(() => CarePlanNote)
export class CarePlanNoteResolver {
  @Mutation(() => CarePlanNote, {
    description:
      "Any active team member writes in a care plan's thread (NOT_FOUND for anyone else), mentioning team members if they wish. " +
      'Records CARE_PLAN_NOTE_ADDED, which the mentioned providers receive on `myMentions`.',
  })
  addCarePlanNote(
    @Arg('input', { description: 'The plan, the note and whom it mentions.' }) input: AddCarePlanNoteInput,
    @Ctx() ctx: Context,
  ) {
    return planNotes.add(ctx, input);
  }

  @Subscription(() => Event, {
    description:
      'Events of plan notes that mention the caller (CARE_PLAN_NOTE_ADDED), live, on every patient whose care team the caller is on. ' +
      'Live only, like `myTaskEvents`: what was written while the dashboard was away is in `patientEvents` and `CarePlan.notes`. ' +
      'A provider only (FORBIDDEN otherwise).',
    subscribe: ({ context }: SubscribeResolverData<unknown, object, Context>) =>
      panelEventStream(context, feedOf(context), mentionsProvider),
  })
  myMentions(@Root() item: LiveItem, @Ctx() ctx: Context): Event {
    return toEvent(item, ctx);
  }

  @FieldResolver(() => Provider, { description: 'The team member who wrote it.' })
  author(@Root() note: CarePlanNote, @Ctx() ctx: Context) {
    return providers.get(ctx, note.author.id);
  }

  @FieldResolver(() => [Provider], { description: 'The team members it mentions, in the order they were named; empty when none.' })
  mentions(@Root() note: CarePlanNote, @Ctx() ctx: Context) {
    return note.mentionIds.map((id) => providers.get(ctx, id));
  }

  @FieldResolver(() => CarePlan, { description: 'The plan whose thread it belongs to.' })
  carePlan(@Root() note: CarePlanNote, @Ctx() ctx: Context) {
    return carePlans.get(ctx, note.carePlan.id);
  }
}

/** `CarePlan.notes`. */
@Resolver(() => CarePlan)
export class CarePlanNotesResolver {
  @FieldResolver(() => CarePlanNoteConnection, {
    description:
      "The plan's thread, which the whole care team reads: notes oldest first (the newest last, so live CARE_PLAN_NOTE_ADDED events " +
      'continue it), with keyset cursors. Team members only, like the plan.',
  })
  notes(@Root() plan: CarePlan, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return planNotes.ofPlan(ctx, plan, args);
  }
}

/** `Event.carePlanNote`: the note a CARE_PLAN_NOTE_ADDED event records. */
@Resolver(() => Event)
export class EventCarePlanNoteResolver {
  @FieldResolver(() => CarePlanNote, {
    nullable: true,
    description: 'The plan note the event records (CARE_PLAN_NOTE_ADDED); null for other events.',
  })
  carePlanNote(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'CarePlanNote');
    return id ? planNotes.get(ctx, id) : null;
  }
}
