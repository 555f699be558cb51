import { defineModule } from '../../core/module';
import { checkInRecorded } from '../check-ins';
import { CheckInExpectation } from './check-in-expectation.entity';
import {
  AlertExpectationResolver,
  CarePlanExpectedCheckInsResolver,
  CheckInExpectationResolver,
  EventExpectationResolver,
} from './expected-check-ins.resolver';
import { ExpectedCheckInEvent, expectedCheckInLoaders, expectedCheckIns, MISSED_CHECK_IN_JOB } from './expected-check-ins.service';

/**
 * Expected check-ins ("weight daily"): a scheduled job per expectation,
 * moved by every check-in of its measure, raises a MISSED_CHECK_IN alert when
 * none arrived in time.
 */
export const expectedCheckInsModule = defineModule({
  name: 'expected-check-ins',
  entities: [CheckInExpectation],
  resolvers: [CheckInExpectationResolver, CarePlanExpectedCheckInsResolver, AlertExpectationResolver, EventExpectationResolver],
  loaders: expectedCheckInLoaders,
  nodes: { CheckInExpectation: expectedCheckIns.get },
  eventTypes: ExpectedCheckInEvent,
  hooks: [checkInRecorded.handledBy(expectedCheckIns.onCheckIn)],
  jobs: { [MISSED_CHECK_IN_JOB]: expectedCheckIns.missed },
});

export { CheckInExpectation, CheckInExpectationId } from './check-in-expectation.entity';
export { ExpectedCheckInEvent, expectedCheckIns, type CheckedExpectation } from './expected-check-ins.service';
export { ExpectedCheckInFields } from './expected-check-ins.types';
