import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Event, subjectOf } from '../../events/event.entity';
import { Alert } from '../alerts';
import { CarePlan } from '../care-plans';
import { Measure, measures } from '../measures';
import { CheckInExpectation } from './check-in-expectation.entity';
import { expectedCheckIns } from './expected-check-ins.service';
import { ExpectCheckInInput, StopExpectingCheckInInput } from './expected-check-ins.types';

@Resolver(() => CheckInExpectation)
export class CheckInExpectationResolver {
  @Mutation(() => CheckInExpectation, {
    description:
      'The plan owner states a check-in the plan expects ("weight daily", "PHQ-9 every 14 days"; FORBIDDEN for other members). When none arrives in time, ' +
      'a MISSED_CHECK_IN alert and its task are raised, once across all hub instances. Records CHECK_IN_EXPECTED.',
  })
  expectCheckIn(@Arg('input', { description: 'The plan, the measure and the interval.' }) input: ExpectCheckInInput, @Ctx() ctx: Context) {
    return expectedCheckIns.expect(ctx, input);
  }

  @Mutation(() => CheckInExpectation, {
    description: 'The plan owner stops expecting a check-in (FORBIDDEN for other members). Records CHECK_IN_EXPECTATION_STOPPED.',
  })
  stopExpectingCheckIn(
    @Arg('input', { description: 'The expectation and its expected version.' }) input: StopExpectingCheckInInput,
    @Ctx() ctx: Context,
  ) {
    return expectedCheckIns.stop(ctx, input);
  }

  @FieldResolver(() => Measure, { description: 'The measure expected.' })
  measure(@Root() expectation: CheckInExpectation, @Ctx() ctx: Context) {
    return measures.get(ctx, expectation.measureCode, 'measure');
  }

  @FieldResolver(() => Date, {
    description: 'When the next check-in is due: the last one (or the start of the expectation) plus the interval.',
  })
  nextDueAt(@Root() expectation: CheckInExpectation, @Ctx() ctx: Context) {
    return expectedCheckIns.nextDueAt(ctx, expectation);
  }
}

/** `CarePlan.expectedCheckIns`. */
@Resolver(() => CarePlan)
export class CarePlanExpectedCheckInsResolver {
  @FieldResolver(() => [CheckInExpectation], {
    description: 'The check-ins the plan expects (stopped ones left out), in the order they were stated.',
  })
  expectedCheckIns(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return expectedCheckIns.ofPlan(ctx, plan.id, plan.patient.id);
  }
}

/** `Alert.expectation`. */
@Resolver(() => Alert)
export class AlertExpectationResolver {
  @FieldResolver(() => CheckInExpectation, {
    nullable: true,
    description: 'The expected check-in that was missed; null for warning-sign alerts.',
  })
  expectation(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.expectationId ? expectedCheckIns.get(ctx, alert.expectationId) : null;
  }
}

/** `Event.checkInExpectation`. */
@Resolver(() => Event)
export class EventExpectationResolver {
  @FieldResolver(() => CheckInExpectation, {
    nullable: true,
    description: 'The expected check-in the event concerns; null for other events.',
  })
  checkInExpectation(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'CheckInExpectation');
    return id ? expectedCheckIns.get(ctx, id) : null;
  }
}
