import type { CareTeam, Organization as FhirOrganization, Practitioner, PractitionerRole } from '@medplum/fhirtypes' with {
  'resolution-mode': 'import',
};
import type { CareTeamMember } from '../modules/care-team';
import type { Organization } from '../modules/organizations';
import type { Patient } from '../modules/patients';
import { Discipline, type Provider } from '../modules/providers';
import { fhirId, ref } from './ids';
import { fhirInstant, HUB_SYSTEM, type Element } from './input';

/**
 * Who cares for the patient: one CareTeam per patient (its id is the
 * patient's), each membership a participant with its role and period (ended
 * ones kept, with their end); each provider a Practitioner and a
 * PractitionerRole (same id) naming their organization and discipline; the
 * organization itself.
 */

/** Disciplines as FHIR's practitioner-role codes where one fits (therapists have none), and ours always. */
const PRACTITIONER_ROLE = 'http://terminology.hl7.org/CodeSystem/practitioner-role';
export const DISCIPLINE_ROLE: Record<Discipline, string | null> = {
  PHYSICIAN: 'doctor',
  SPECIALIST: 'doctor',
  NURSE: 'nurse',
  THERAPIST: null,
};

export function toCareTeam(patient: Patient, members: readonly CareTeamMember[]): CareTeam {
  return {
    resourceType: 'CareTeam',
    id: fhirId(patient.id),
    status: 'active',
    name: `Care team of ${patient.name}`,
    subject: ref('Patient', patient.id),
    participant: members.map((member) => ({
      role: [{ text: member.role }],
      member: ref('Practitioner', member.provider.id),
      onBehalfOf: ref('Organization', patient.organization.id),
      period: {
        start: fhirInstant(member.startedAt),
        ...(member.endedAt ? { end: fhirInstant(member.endedAt) } : {}),
      },
    })),
    managingOrganization: [ref('Organization', patient.organization.id)],
  };
}

export function toPractitioner(provider: Provider): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: fhirId(provider.id),
    active: true,
    name: [{ text: provider.name }],
    telecom: [
      { system: 'email', value: provider.email, use: 'work' },
      ...(provider.phone ? [{ system: 'phone' as const, value: provider.phone, use: 'work' as const }] : []),
    ],
  };
}

export function toPractitionerRole(provider: Provider): PractitionerRole {
  const code = DISCIPLINE_ROLE[provider.discipline];
  return {
    resourceType: 'PractitionerRole',
    id: fhirId(provider.id),
    active: true,
    practitioner: ref('Practitioner', provider.id),
    organization: ref('Organization', provider.organization.id),
    code: [
      {
        coding: [
          ...(code ? [{ system: PRACTITIONER_ROLE, code }] : []),
          { system: HUB_SYSTEM.discipline, code: provider.discipline, display: provider.discipline.toLowerCase() },
        ],
        text: provider.discipline.toLowerCase(),
      },
    ],
    ...(provider.specialty ? { specialty: [{ text: provider.specialty }] } : {}),
  };
}

export function toOrganization(organization: Organization): FhirOrganization {
  return { resourceType: 'Organization', id: fhirId(organization.id), active: true, name: organization.name };
}

/** A submitted CareTeam's memberships: who (the member reference, resolved by the import), in which role, ended or not. */
export function fromCareTeam(resource: Element) {
  return resource
    .get('participant')
    .list()
    .map((participant) => ({
      member: participant.get('member'),
      role: participant.get('role').first().conceptText(100) ?? 'team member',
      ended: participant.get('period').get('end').exists,
    }));
}
