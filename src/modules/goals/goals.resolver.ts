import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { CarePlan } from '../care-plans/care-plan.entity';
import { carePlans } from '../care-plans/care-plans.service';
import { Goal } from './goal.entity';
import { AddGoalInput, UpdateGoalInput } from './goal.types';
import { goals } from './goals.service';

@Resolver(() => Goal)
export class GoalResolver {
  @Mutation(() => Goal, { description: 'The plan owner adds a goal.' })
  addGoal(@Arg('input') input: AddGoalInput, @Ctx() ctx: Context) {
    return goals.add(ctx, input);
  }

  @Mutation(() => Goal, { description: 'The plan owner updates a goal or moves its status.' })
  updateGoal(@Arg('input') input: UpdateGoalInput, @Ctx() ctx: Context) {
    return goals.update(ctx, input);
  }

  @FieldResolver(() => CarePlan)
  carePlan(@Root() goal: Goal, @Ctx() ctx: Context) {
    return carePlans.get(ctx, goal.carePlan.id);
  }
}
