import { defineModule } from '../../core/module';
import { CaregiverConsent } from './consent.entity';
import { CaregiverConsentResolver, PatientConsentsResolver } from './consent.resolver';
import { ConsentEvent } from './consent.service';

/** Caregivers' consent: the patient (or ADMIN on their behalf) lets people of their support network act for them, within scopes. */
export const caregiverConsentModule = defineModule({
  name: 'caregiver-consent',
  entities: [CaregiverConsent],
  resolvers: [CaregiverConsentResolver, PatientConsentsResolver],
  eventTypes: ConsentEvent,
});

export { CaregiverConsent, ConsentScope } from './consent.entity';
export { ConsentEvent, caregiverConsents } from './consent.service';
