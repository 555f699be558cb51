import { defineModule } from '../../core/module';
import { CheckIn, Observation } from './check-in.entity';
import { CheckInResolver, EventCheckInResolver, ObservationResolver, PatientCheckInsResolver } from './check-ins.resolver';
import { CheckInEvent, checkInLoaders, checkIns } from './check-ins.service';

/** Check-ins: values of the measure catalogue taken at one time, their observations and per-measure trends. */
export const checkInsModule = defineModule({
  name: 'check-ins',
  entities: [CheckIn, Observation],
  resolvers: [CheckInResolver, ObservationResolver, PatientCheckInsResolver, EventCheckInResolver],
  loaders: checkInLoaders,
  nodes: { CheckIn: checkIns.get, Observation: checkIns.getObservation },
  eventTypes: CheckInEvent,
});

export { CheckIn, CheckInId, CheckInSource, Observation, ObservationId } from './check-in.entity';
export { CheckInEvent, checkInRecorded, checkIns } from './check-ins.service';
