import type { Patient as FhirPatient, PatientContact } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import type { CreatePatientInput, Patient } from '../modules/patients';
import { fhirId, ref } from './ids';
import type { Element } from './input';

/** The identifier type of a medical record number (HL7 v2 table 0203). */
const MR = { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' };
/** Language tags (BCP 47), as FHIR's `communication.language` binds them. */
const BCP47 = 'urn:ietf:bcp:47';

/**
 * Patient: identity (MRN as an `MR` identifier assigned by the organization,
 * name, birth date), preferred language, and — for the care team only, as
 * in GraphQL — the support network as contacts.
 */
export function toPatient(patient: Patient, options: { clinical: boolean }): FhirPatient {
  return {
    resourceType: 'Patient',
    id: fhirId(patient.id),
    meta: { versionId: String(patient.version), lastUpdated: patient.updatedAt.toISOString() },
    identifier: [
      {
        use: 'usual',
        type: { coding: [MR], text: MR.display },
        system: `urn:carehub:mrn:${fhirId(patient.organization.id)}`,
        value: patient.mrn,
        assigner: ref('Organization', patient.organization.id),
      },
    ],
    active: true,
    name: [{ text: patient.name }],
    birthDate: patient.birthDate,
    ...(patient.preferredLanguage
      ? { communication: [{ language: { coding: [{ system: BCP47, code: patient.preferredLanguage }] }, preferred: true }] }
      : {}),
    ...(options.clinical && patient.supportNetwork.length ? { contact: patient.supportNetwork.map(toContact) } : {}),
    managingOrganization: ref('Organization', patient.organization.id),
  };
}

function toContact(contact: Patient['supportNetwork'][number]): PatientContact {
  const telecom = [
    ...(contact.phone ? [{ system: 'phone' as const, value: contact.phone }] : []),
    ...(contact.email ? [{ system: 'email' as const, value: contact.email }] : []),
  ];
  return {
    relationship: [{ text: contact.relationship }],
    name: { text: contact.name },
    ...(telecom.length ? { telecom } : {}),
  };
}

/** What a submitted Patient gives createPatient (the organization is resolved from `managingOrganization` by the import). */
export function fromPatient(resource: Element): Omit<CreatePatientInput, 'organizationId' | 'allergies' | 'conditions' | 'medications'> {
  const identifiers = resource.get('identifier').list();
  const mrn = identifiers.find((i) => i.get('type').codeIn(MR.system) === MR.code) ?? identifiers[0] ?? resource.get('identifier').first();
  const name = resource.get('name').first();
  return {
    mrn: mrn.get('value').string(64, 'Patient.identifier (the MRN)'),
    name: name.required(name.nameText(200), 'Patient.name (text, or given and family)'),
    birthDate: resource.get('birthDate').date('Patient.birthDate'),
    preferredLanguage:
      resource
        .get('communication')
        .list()
        .map((c) => c.get('language').codeIn(BCP47) ?? c.get('language').conceptText(35))
        .find(Boolean) ?? null,
    supportNetwork: resource
      .get('contact')
      .list()
      .map((contact) => {
        const telecom = contact.get('telecom').list();
        const of = (system: string) => telecom.find((t) => t.get('system').value === system)?.get('value');
        return {
          name: contact.get('name').get('text').string(200, 'Patient.contact.name.text'),
          relationship: contact.get('relationship').first().conceptText(100) ?? 'contact',
          phone: of('phone')?.optionalString(50) ?? null,
          email: of('email')?.optionalString(320) ?? null,
          isCaregiver: false,
        };
      }),
  };
}
