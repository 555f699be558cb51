import { defineModule } from '../../core/module';
import { CareTeamMember } from './care-team-member.entity';
import { CareTeamResolver, PatientCareTeamResolver } from './care-team.resolver';
import { CareTeamEvent, careTeam, careTeamLoaders } from './care-team.service';

/** Who cares for the patient: memberships of providers on the care team, with roles and history. */
export const careTeamModule = defineModule({
  name: 'care-team',
  entities: [CareTeamMember],
  resolvers: [CareTeamResolver, PatientCareTeamResolver],
  loaders: careTeamLoaders,
  nodes: { CareTeamMember: careTeam.get },
  eventTypes: CareTeamEvent,
});

export { CareTeamMember, CareTeamMemberId, CareTeamRoleKind } from './care-team-member.entity';
export { CareTeamEvent, careTeam } from './care-team.service';
