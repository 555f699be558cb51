import { defineModule } from '../../core/module';
import { Allergy, Condition, Medication, SupportContact } from './patient.embeddables';
import { Patient } from './patient.entity';
import { PatientListsResolver } from './patient-lists.resolver';
import { EventPatientResolver, PatientResolver, ProviderPatientsResolver } from './patients.resolver';
import { PatientEvent } from './patient-events';
import { patientLoaders, patients } from './patients.service';

/** The patient record: identity, history, preferences and own goals, support network, allergies, conditions, medications. */
export const patientsModule = defineModule({
  name: 'patients',
  entities: [Patient, Allergy, Condition, Medication, SupportContact],
  resolvers: [PatientResolver, PatientListsResolver, ProviderPatientsResolver, EventPatientResolver],
  loaders: patientLoaders,
  nodes: { Patient: patients.get },
  federation: { Patient: patients.get },
  eventTypes: PatientEvent,
});

export { Allergy, AllergyCriticality, Condition, Medication, SupportContact } from './patient.embeddables';
export type { CreatePatientInput } from './patient.types';
export { Patient, PatientId } from './patient.entity';
export { PatientEvent } from './patient-events';
export { patients } from './patients.service';
