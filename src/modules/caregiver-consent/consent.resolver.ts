import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { access } from '../../auth/access';
import type { Context } from '../../core/context';
import { Patient } from '../patients';
import { CaregiverConsent } from './consent.entity';
import { GrantCaregiverConsentInput, RevokeCaregiverConsentInput } from './consent.types';
import { caregiverConsents } from './consent.service';

@Resolver(() => CaregiverConsent)
export class CaregiverConsentResolver {
  @Mutation(() => CaregiverConsent, {
    description:
      "The patient (a patient token), or ADMIN on the patient's behalf with a `reason`, lets a caregiver of the patient's support network act for them " +
      'within `scopes` (replacing the scopes of a consent already in force). Anyone else: NOT_FOUND. Records CAREGIVER_CONSENT_GRANTED.',
  })
  grantCaregiverConsent(
    @Arg('input', { description: 'The patient, the contact and the scopes.' }) input: GrantCaregiverConsentInput,
    @Ctx() ctx: Context,
  ) {
    return caregiverConsents.grant(ctx, input);
  }

  @Mutation(() => CaregiverConsent, {
    description:
      "The patient, or ADMIN on the patient's behalf with a `reason`, ends a caregiver's consent: the caregiver's access ends at once, " +
      'open `myEvents` subscriptions end with FORBIDDEN. Records CAREGIVER_CONSENT_REVOKED.',
  })
  revokeCaregiverConsent(
    @Arg('input', { description: 'The patient and the contact.' }) input: RevokeCaregiverConsentInput,
    @Ctx() ctx: Context,
  ) {
    return caregiverConsents.revoke(ctx, input);
  }
}

/** `Patient.caregiverConsents`: the care team's (and ADMIN's) view of who acts for the patient. */
@Resolver(() => Patient)
export class PatientConsentsResolver {
  @FieldResolver(() => [CaregiverConsent], {
    description:
      "The caregivers the patient lets act for them, in force first (then revoked ones when asked), newest first. Like the record's administrative fields: team members and ADMIN.",
  })
  async caregiverConsents(
    @Root() patient: Patient,
    @Arg('includeRevoked', { defaultValue: false, description: 'Also list revoked consents (history).' }) includeRevoked: boolean,
    @Ctx() ctx: Context,
  ) {
    await access.assertCanSeePatientRecord(ctx, patient.id);
    return caregiverConsents.ofPatient(ctx, patient.id, includeRevoked);
  }
}
