import { defineModule } from '../../core/module';
import { checkInRecorded } from '../check-ins';
import { Alert } from './alert.entity';
import { AlertResolver, EventAlertResolver, PatientAlertsResolver } from './alerts.resolver';
import { AlertEvent, alertLoaders, alerts } from './alerts.service';

/**
 * Alerts: raised in the same change as a check-in that meets a warning-sign
 * rule (answering the check-ins hook), each with an urgent task; taken and
 * resolved by the team.
 */
export const alertsModule = defineModule({
  name: 'alerts',
  entities: [Alert],
  resolvers: [AlertResolver, PatientAlertsResolver, EventAlertResolver],
  loaders: alertLoaders,
  nodes: { Alert: alerts.get },
  eventTypes: AlertEvent,
  hooks: [checkInRecorded.handledBy(alerts.onCheckIn)],
});

export { Alert, AlertId, AlertReason, AlertStatus } from './alert.entity';
export { AlertEvent, alertLifecycle, alerts } from './alerts.service';
