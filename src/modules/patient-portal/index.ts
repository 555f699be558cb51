import { defineModule } from '../../core/module';
import { PatientPortalResolver } from './portal.resolver';

/**
 * The patient's side: what the patient (and a caregiver with their consent)
 * sees of their own care, in the patient's own types, never clinicians'
 * internal notes. Clinicians' operations treat these viewers as outsiders.
 */
export const patientPortalModule = defineModule({
  name: 'patient-portal',
  entities: [],
  resolvers: [PatientPortalResolver],
});

export { patientPortal } from './portal.service';
