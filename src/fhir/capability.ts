import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };

/** The searches the hub answers, by resource type, with their parameters (the router serves exactly these). */
export const SEARCHES: Record<string, { name: string; type: 'reference' | 'token'; documentation: string }[]> = {
  CarePlan: [
    { name: 'patient', type: 'reference', documentation: 'Required: the patient (Patient/{id} or {id}); care-team members only.' },
  ],
  Task: [
    {
      name: 'owner',
      type: 'reference',
      documentation: "Required: the assignee (Practitioner/{id} or {id}); tasks of the caller's patients only.",
    },
    { name: 'status', type: 'token', documentation: 'Optional: task-status codes, comma-separated (requested, accepted, in-progress …).' },
  ],
};

/**
 * `GET /fhir/R4/metadata`: exactly what this server does — `read` of each
 * type it emits, the searches above, `Patient/$everything`, and `transaction`
 * (the import) — in JSON only, behind bearer tokens.
 */
export function capabilityStatement(readable: readonly string[], base: string): CapabilityStatement {
  const resource = readable.map((type): CapabilityStatementRestResource => ({
    type: type as CapabilityStatementRestResource['type'],
    interaction: [{ code: 'read' }, ...(SEARCHES[type] ? [{ code: 'search-type' as const }] : [])],
    ...(SEARCHES[type]
      ? { searchParam: SEARCHES[type].map(({ name, type: t, documentation }) => ({ name, type: t, documentation })) }
      : {}),
    ...(type === 'Patient'
      ? { operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] }
      : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-25',
    kind: 'instance',
    software: { name: 'care hub' },
    implementation: { description: 'Care hub FHIR R4 interface', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          description: 'Authorization: Bearer <JWT>, as for /graphql. Patient data is visible to active care-team members only.',
        },
        resource,
        interaction: [
          { code: 'transaction', documentation: 'Imports one patient with its record, care team, plans, goals and tasks (ADMIN).' },
        ],
      },
    ],
  };
}
