import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { CarePlan } from '../care-plans/care-plan.entity';
import { carePlans } from '../care-plans/care-plans.service';
import { CareTeamMember } from '../care-team/care-team-member.entity';
import { careTeam } from '../care-team/care-team.service';
import { Organization } from '../organizations/organization.entity';
import { organizations } from '../organizations/organizations.service';
import { Patient } from './patient.entity';
import { CreatePatientInput, PatientConnection, PatientsArgs, UpdatePatientInput } from './patient.types';
import { patients } from './patients.service';

@Resolver(() => Patient)
export class PatientResolver {
  @Query(() => Patient, { nullable: true, description: 'A patient on whose care team the caller is active.' })
  patient(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return patients.get(ctx, id);
  }

  @Query(() => PatientConnection, { description: 'The caller\'s patients, by name.' })
  patients(@Args() args: PatientsArgs, @Ctx() ctx: Context) {
    return patients.list(ctx, args);
  }

  @Mutation(() => Patient, { description: 'ADMIN: registers a patient.' })
  createPatient(@Arg('input') input: CreatePatientInput, @Ctx() ctx: Context) {
    return patients.create(ctx, input);
  }

  @Mutation(() => Patient, { description: 'A team member updates the record (allergies, medications, preferences …).' })
  updatePatient(@Arg('input') input: UpdatePatientInput, @Ctx() ctx: Context) {
    return patients.update(ctx, input);
  }

  @FieldResolver(() => Organization)
  organization(@Root() patient: Patient, @Ctx() ctx: Context) {
    return organizations.get(ctx, patient.organization.id);
  }

  @FieldResolver(() => [CareTeamMember], { description: 'Active members, or the whole history with includeEnded.' })
  careTeam(
    @Root() patient: Patient,
    @Arg('includeEnded', { defaultValue: false }) includeEnded: boolean,
    @Ctx() ctx: Context,
  ) {
    return careTeam.ofPatient(ctx, patient.id, includeEnded);
  }

  @FieldResolver(() => [CarePlan], { description: 'Every plan, newest first.' })
  carePlans(@Root() patient: Patient, @Ctx() ctx: Context) {
    return carePlans.ofPatient(ctx, patient.id);
  }

  @FieldResolver(() => CarePlan, { nullable: true, description: 'The ACTIVE plan (the newest, if several categories are active).' })
  activeCarePlan(@Root() patient: Patient, @Ctx() ctx: Context) {
    return carePlans.activeOfPatient(ctx, patient.id);
  }
}
