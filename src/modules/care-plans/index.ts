import { defineModule } from '../../core/module';
import { CarePlan } from './care-plan.entity';
import { CarePlanResolver, EventCarePlanResolver, PatientCarePlansResolver } from './care-plans.resolver';
import { CarePlanEvent, carePlanLoaders, carePlans } from './care-plans.service';

/** Care plans: one accountable owner, a category, a lifecycle, warning signs. */
export const carePlansModule = defineModule({
  name: 'care-plans',
  entities: [CarePlan],
  resolvers: [CarePlanResolver, PatientCarePlansResolver, EventCarePlanResolver],
  loaders: carePlanLoaders,
  nodes: { CarePlan: carePlans.get },
  federation: { CarePlan: carePlans.get },
  eventTypes: CarePlanEvent,
});

export { CarePlan, CarePlanCategory, CarePlanId, CarePlanStatus } from './care-plan.entity';
export { CarePlanEvent, carePlans, planLifecycle } from './care-plans.service';
