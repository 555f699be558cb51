import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Goal } from '../goals/goal.entity';
import { goals } from '../goals/goals.service';
import { Patient } from '../patients/patient.entity';
import { patients } from '../patients/patients.service';
import { Provider } from '../providers/provider.entity';
import { providers } from '../providers/providers.service';
import { TaskConnection, TaskListArgs } from '../tasks/task.types';
import { tasks } from '../tasks/tasks.service';
import { CarePlan } from './care-plan.entity';
import { CreateCarePlanInput, TransferCarePlanOwnershipInput, UpdateCarePlanInput } from './care-plan.types';
import { carePlans } from './care-plans.service';

@Resolver(() => CarePlan)
export class CarePlanResolver {
  @Query(() => CarePlan, { nullable: true })
  carePlan(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return carePlans.get(ctx, id);
  }

  @Mutation(() => CarePlan, { description: 'A team member starts a plan (DRAFT) and names its owner.' })
  createCarePlan(@Arg('input') input: CreateCarePlanInput, @Ctx() ctx: Context) {
    return carePlans.create(ctx, input);
  }

  @Mutation(() => CarePlan, { description: 'The owner edits the plan or moves its status.' })
  updateCarePlan(@Arg('input') input: UpdateCarePlanInput, @Ctx() ctx: Context) {
    return carePlans.update(ctx, input);
  }

  @Mutation(() => CarePlan, { description: 'The owner hands the plan to another active team member.' })
  transferCarePlanOwnership(@Arg('input') input: TransferCarePlanOwnershipInput, @Ctx() ctx: Context) {
    return carePlans.transferOwnership(ctx, input);
  }

  @FieldResolver(() => Patient)
  patient(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return patients.get(ctx, plan.patient.id);
  }

  @FieldResolver(() => Provider)
  owner(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return providers.get(ctx, plan.owner.id);
  }

  @FieldResolver(() => [Goal])
  goals(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return goals.ofPlan(ctx, plan.id, plan.patient.id);
  }

  @FieldResolver(() => TaskConnection, { description: 'Tasks in creation order, optionally by status.' })
  tasks(@Root() plan: CarePlan, @Args() args: TaskListArgs, @Ctx() ctx: Context) {
    return tasks.ofPlan(ctx, plan.id, plan.patient.id, args);
  }
}
