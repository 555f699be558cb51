import { defineEventTypes } from '../../events/event-types';

/** Events of the patient record itself. */
export const PatientEvent = defineEventTypes({
  PATIENT_CREATED: 'A patient was registered.',
  PATIENT_UPDATED:
    'The patient record changed (allergies, medications, preferences …), through updatePatient or one list item added, updated or removed.',
});
