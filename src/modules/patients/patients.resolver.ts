import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CLINICAL } from '../../auth/clinical';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event } from '../../events/event.entity';
import { Organization, organizations } from '../organizations';
import { Provider } from '../providers';
import { Patient } from './patient.entity';
import {
  CreatePatientInput,
  MedicationConflict,
  MyPreferences,
  PatientConnection,
  PatientsArgs,
  UpdateMyPreferencesInput,
  UpdatePatientInput,
} from './patient.types';
import { patients } from './patients.service';

@Resolver(() => Patient)
export class PatientResolver {
  @Query(() => Patient, {
    nullable: true,
    description:
      "A patient on whose care team the caller is active (ADMIN: any patient's administrative record). NOT_FOUND for anyone else, as if the patient did not exist.",
  })
  patient(
    @Arg('id', () => ID, { description: 'A Patient id ("pat_…"); another type\'s id is BAD_USER_INPUT.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    return patients.get(ctx, id);
  }

  @Query(() => PatientConnection, {
    description: "The caller's patients (those on whose care team they are active; ADMIN: every patient), sorted by name.",
  })
  patients(@Args() args: PatientsArgs, @Ctx() ctx: Context) {
    return patients.list(ctx, args);
  }

  @Mutation(() => Patient, {
    description:
      'ADMIN: registers a patient (FORBIDDEN for others). Records PATIENT_CREATED. Nobody is on the care team yet: add members with addCareTeamMember. ' +
      'Medications that conflict with the allergies given are SAFETY_CONFLICT (nothing is created) unless `overrideReason` is given.',
  })
  createPatient(
    @Arg('input', { description: "The patient's identity and, optionally, clinical record." }) input: CreatePatientInput,
    @Ctx() ctx: Context,
  ) {
    return patients.create(ctx, input);
  }

  @Mutation(() => Patient, {
    description:
      'A team member updates the record (allergies, medications, preferences …); records PATIENT_UPDATED with what changed. ' +
      'NOT_FOUND to non-members, FORBIDDEN to an ADMIN who is not on the team, CONFLICT on a stale expectedVersion. ' +
      'A medication added that conflicts with a recorded allergy is SAFETY_CONFLICT (nothing changes) unless `overrideReason` is given; ' +
      'an allergy added that conflicts with a medication already recorded is accepted, and the event and `medicationConflicts` show it.',
  })
  updatePatient(
    @Arg('input', { description: 'The patient, the version the change is based on, and the fields to change.' }) input: UpdatePatientInput,
    @Ctx() ctx: Context,
  ) {
    return patients.update(ctx, input);
  }

  @Mutation(() => MyPreferences, {
    description:
      "The patient (a patient token only) states their own preferences and personal goals; clinicians see them on the record as the patient's own words " +
      '(`Patient.statedByPatientAt`). Records PATIENT_UPDATED. FORBIDDEN for anyone else (a caregiver, a provider, an operator); CONFLICT on a stale expectedVersion.',
  })
  updateMyPreferences(
    @Arg('input', { description: 'The lists to replace, and the version the change is based on.' }) input: UpdateMyPreferencesInput,
    @Ctx() ctx: Context,
  ) {
    return patients.updateMine(ctx, input);
  }

  @FieldResolver(() => [MedicationConflict], {
    description:
      'Recorded medications that conflict with recorded allergies (the allergy–medication safety check: a safety net over a small curated table, ' +
      'not a drug database), most serious first; empty when none is found. Conflicts stay listed after an override. ' +
      'Clinical: team members only (an ADMIN who is not on the team gets FORBIDDEN).',
  })
  @Authorized(CLINICAL)
  medicationConflicts(@Root() patient: Patient) {
    return patients.medicationConflicts(patient);
  }

  @FieldResolver(() => Organization, { description: 'The organization that registered the patient.' })
  organization(@Root() patient: Patient, @Ctx() ctx: Context) {
    return organizations.get(ctx, patient.organization.id);
  }
}

/** `Provider.patients`: a provider's panel, as far as the caller may see it. */
@Resolver(() => Provider)
export class ProviderPatientsResolver {
  @FieldResolver(() => PatientConnection, {
    description: 'Patients on whose care team this provider is active — only those the caller may see too.',
  })
  patients(@Root() provider: Provider, @Args() args: PageArgs, @Ctx() ctx: Context) {
    return patients.list(ctx, args, provider.id);
  }
}

/** `Event.patient`: whose care the event changed. */
@Resolver(() => Event)
export class EventPatientResolver {
  @FieldResolver(() => Patient, { description: 'The patient whose care changed.' })
  patient(@Root() event: Event, @Ctx() ctx: Context) {
    return patients.get(ctx, event.patient.id);
  }
}
