import { defineModule } from '../../core/module';
import { Goal } from './goal.entity';
import { CarePlanGoalsResolver, EventGoalResolver, GoalResolver } from './goals.resolver';
import { GoalEvent, goalLoaders, goals } from './goals.service';

/** Goals of a care plan, with a measurable target, a due date and a lifecycle. */
export const goalsModule = defineModule({
  name: 'goals',
  entities: [Goal],
  resolvers: [GoalResolver, CarePlanGoalsResolver, EventGoalResolver],
  loaders: goalLoaders,
  nodes: { Goal: goals.get },
  eventTypes: GoalEvent,
});

export { Goal, GoalId, GoalStatus } from './goal.entity';
export { GoalEvent, goalLifecycle, goals } from './goals.service';
export { GoalFields } from './goal.types';
