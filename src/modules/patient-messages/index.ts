import { defineModule } from '../../core/module';
import { PatientMessage } from './patient-message.entity';
import { CarePlanPatientMessagesResolver, PatientMessageResolver } from './patient-messages.resolver';
import { PatientMessageEvent } from './patient-messages.service';

/** Messages between the patient side and the care team, on a care plan (not the team's internal plan notes). */
export const patientMessagesModule = defineModule({
  name: 'patient-messages',
  entities: [PatientMessage],
  resolvers: [PatientMessageResolver, CarePlanPatientMessagesResolver],
  eventTypes: PatientMessageEvent,
});

export { PatientMessage } from './patient-message.entity';
export { PatientMessageEvent, patientMessages } from './patient-messages.service';
