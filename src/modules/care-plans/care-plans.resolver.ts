import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event, subjectOf } from '../../events/event.entity';
import { EventConnection } from '../../events/events.service';
import { Patient, patients } from '../patients';
import { Provider, providers } from '../providers';
import { CarePlan } from './care-plan.entity';
import { CreateCarePlanInput, TransferCarePlanOwnershipInput, UpdateCarePlanInput } from './care-plan.types';
import { carePlans } from './care-plans.service';

@Resolver(() => CarePlan)
export class CarePlanResolver {
  @Query(() => CarePlan, {
    nullable: true,
    description: 'A care plan of a patient on whose care team the caller is active; NOT_FOUND for anyone else.',
  })
  carePlan(@Arg('id', () => ID, { description: 'A CarePlan id ("cpl_…").' }) id: string, @Ctx() ctx: Context) {
    return carePlans.get(ctx, id);
  }

  @Mutation(() => CarePlan, { description: 'A team member starts a plan (DRAFT) and names its owner. Records CARE_PLAN_CREATED.' })
  createCarePlan(
    @Arg('input', { description: 'The patient, title, category and owner of the plan.' }) input: CreateCarePlanInput,
    @Ctx() ctx: Context,
  ) {
    return carePlans.create(ctx, input);
  }

  @Mutation(() => CarePlan, {
    description:
      'The owner edits the plan or moves its status (FORBIDDEN for other members, and for anyone once COMPLETED or REVOKED). Records CARE_PLAN_UPDATED with what changed.',
  })
  updateCarePlan(
    @Arg('input', { description: 'The plan, its expected version and the fields to change.' }) input: UpdateCarePlanInput,
    @Ctx() ctx: Context,
  ) {
    return carePlans.update(ctx, input);
  }

  @Mutation(() => CarePlan, {
    description: 'The owner hands the plan to another active team member (FORBIDDEN for others). Records CARE_PLAN_OWNER_CHANGED.',
  })
  transferCarePlanOwnership(
    @Arg('input', { description: 'The plan, its expected version and the new owner.' }) input: TransferCarePlanOwnershipInput,
    @Ctx() ctx: Context,
  ) {
    return carePlans.transferOwnership(ctx, input);
  }

  @FieldResolver(() => Patient, { description: 'The patient the plan is for.' })
  patient(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return patients.get(ctx, plan.patient.id);
  }

  @FieldResolver(() => Provider, {
    description: 'The accountable owner: always an active member of the care team. Only they edit the plan and its goals.',
  })
  owner(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    return providers.get(ctx, plan.owner.id);
  }

  @FieldResolver(() => EventConnection, {
    description:
      "The plan's revision history, oldest first (the order of `sequence`, so live `patientEvents` continue it): every event that " +
      'created or changed the plan, one of its goals or one of its tasks — who (`actor`), when (`at`), what (`type`, `summary`) and ' +
      'each field from what to what (`changes`). Events that change no field (a note added) are not revisions. Team members only, like the plan.',
  })
  revisions(@Root() plan: CarePlan, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return carePlans.revisions(ctx, plan, args);
  }
}

/** `Patient.carePlans` and `Patient.activeCarePlan`. */
@Resolver(() => Patient)
export class PatientCarePlansResolver {
  @FieldResolver(() => [CarePlan], { description: 'Every plan, newest first.' })
  carePlans(@Root() patient: Patient, @Ctx() ctx: Context) {
    return carePlans.ofPatient(ctx, patient.id);
  }

  @FieldResolver(() => CarePlan, { nullable: true, description: 'The ACTIVE plan (the newest, if several categories are active).' })
  activeCarePlan(@Root() patient: Patient, @Ctx() ctx: Context) {
    return carePlans.activeOfPatient(ctx, patient.id);
  }
}

/** `Event.carePlan`: the plan the event concerns. */
@Resolver(() => Event)
export class EventCarePlanResolver {
  @FieldResolver(() => CarePlan, { nullable: true, description: 'The plan the event concerns; null for events not about a plan.' })
  carePlan(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'CarePlan');
    return id ? carePlans.get(ctx, id) : null;
  }
}
