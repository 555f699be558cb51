import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import { carePlanLoaders } from '../modules/care-plans/care-plans.service';
import { careTeamLoaders } from '../modules/care-team/care-team.service';
import { goalLoaders } from '../modules/goals/goals.service';
import { organizationLoaders } from '../modules/organizations/organizations.service';
import { patientLoaders } from '../modules/patients/patients.service';
import { providerLoaders } from '../modules/providers/providers.service';
import { taskLoaders } from '../modules/tasks/tasks.service';

/**
 * One DataLoader per relation, built per request (and per subscription event)
 * so nothing cached outlives the viewer's access. Loaders fetch; services
 * decide who may see what before they call them.
 */
export function createLoaders(em: EntityManager, viewer: Viewer) {
  const providers = providerLoaders(em);
  const primeProvider = (p: { id: string }) => providers.providerById.prime(p.id, p as never);
  return {
    ...providers,
    ...organizationLoaders(em),
    ...patientLoaders(em, viewer.providerId),
    ...careTeamLoaders(em, primeProvider),
    ...carePlanLoaders(em, primeProvider),
    ...goalLoaders(em),
    ...taskLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
