import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Event, subjectOf } from '../../events/event.entity';
import { CarePlan, carePlans } from '../care-plans';
import { Goal } from './goal.entity';
import { AddGoalInput, UpdateGoalInput } from './goal.types';
import { goals } from './goals.service';

@Resolver(() => Goal)
export class GoalResolver {
  @Mutation(() => Goal, {
    description: "The plan owner adds a goal (FORBIDDEN for other members); the plan's version moves too. Records GOAL_ADDED.",
  })
  addGoal(@Arg('input', { description: 'The plan and the goal.' }) input: AddGoalInput, @Ctx() ctx: Context) {
    return goals.add(ctx, input);
  }

  @Mutation(() => Goal, {
    description:
      "The plan owner updates a goal or moves its status (FORBIDDEN for other members); the plan's version moves too. Records GOAL_UPDATED with what changed.",
  })
  updateGoal(@Arg('input', { description: 'The goal and the fields to change.' }) input: UpdateGoalInput, @Ctx() ctx: Context) {
    return goals.update(ctx, input);
  }

  @FieldResolver(() => CarePlan, { description: 'The care plan the goal belongs to.' })
  carePlan(@Root() goal: Goal, @Ctx() ctx: Context) {
    return carePlans.get(ctx, goal.carePlan.id);
  }
}

/** `CarePlan.goals`. */
@Resolver(() => CarePlan)
export class CarePlanGoalsResolver {
  @FieldResolver(() => [Goal], { description: "The plan's goals, in the order they were added." })
  goals(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return goals.ofPlan(ctx, plan.id, plan.patient.id);
  }
}

/** `Event.goal`: the goal the event concerns. */
@Resolver(() => Event)
export class EventGoalResolver {
  @FieldResolver(() => Goal, { nullable: true, description: 'The goal the event concerns; null for events not about a goal.' })
  goal(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'Goal');
    return id ? goals.get(ctx, id) : null;
  }
}
