import { defineModule } from '../../core/module';
import { Provider } from './provider.entity';
import { EventActorResolver, OrganizationProvidersResolver, ProviderResolver } from './providers.resolver';
import { providerLoaders, providers } from './providers.service';

/** Clinicians (physicians, specialists, therapists, nurses), their organization's directory, and who made each change. */
export const providersModule = defineModule({
  name: 'providers',
  entities: [Provider],
  resolvers: [ProviderResolver, OrganizationProvidersResolver, EventActorResolver],
  loaders: providerLoaders,
  nodes: { Provider: providers.load },
  federation: { Provider: providers.load },
});

export { Discipline, Provider, ProviderId } from './provider.entity';
export { providers } from './providers.service';
