import { defineModule } from '../../core/module';
import { Organization } from './organization.entity';
import { OrganizationResolver } from './organizations.resolver';
import { organizationLoaders, organizations } from './organizations.service';

/** Clinics and practices: the organization every provider and patient belongs to. */
export const organizationsModule = defineModule({
  name: 'organizations',
  entities: [Organization],
  resolvers: [OrganizationResolver],
  loaders: organizationLoaders,
  nodes: { Organization: organizations.get },
  federation: { Organization: organizations.get },
});

export { Organization, OrganizationId } from './organization.entity';
export { organizations } from './organizations.service';
