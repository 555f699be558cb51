import type { HubModule } from '../core/module';
import { alertsModule } from '../modules/alerts';
import { auditModule } from '../modules/audit';
import { carePlansModule } from '../modules/care-plans';
import { checkInsModule } from '../modules/check-ins';
import { careTeamModule } from '../modules/care-team';
import { caregiverConsentModule } from '../modules/caregiver-consent';
import { expectedCheckInsModule } from '../modules/expected-check-ins';
import { goalsModule } from '../modules/goals';
import { measuresModule } from '../modules/measures';
import { medicationSafetyModule } from '../modules/medication-safety';
import { organizationsModule } from '../modules/organizations';
import { patientMessagesModule } from '../modules/patient-messages';
import { patientPortalModule } from '../modules/patient-portal';
import { patientsModule } from '../modules/patients';
import { planNotesModule } from '../modules/plan-notes';
import { planTemplatesModule } from '../modules/plan-templates';
import { providersModule } from '../modules/providers';
import { tasksModule } from '../modules/tasks';
import { warningSignsModule } from '../modules/warning-signs';

/**
 * The one list of the hub's modules. Schema, ORM entities, per-request
 * loaders, `node(id:)`, federation `_entities` and the `EventType` enum are
 * all built from it (see docs/architecture.md). A new concept is a folder
 * under src/modules with an index.ts descriptor, one line here, and a migration.
 */
export const MODULES: readonly HubModule[] = [
  organizationsModule,
  providersModule,
  medicationSafetyModule,
  patientsModule,
  careTeamModule,
  carePlansModule,
  goalsModule,
  tasksModule,
  planNotesModule,
  measuresModule,
  checkInsModule,
  warningSignsModule,
  alertsModule,
  expectedCheckInsModule,
  planTemplatesModule,
  caregiverConsentModule,
  patientMessagesModule,
  patientPortalModule,
  auditModule,
];
