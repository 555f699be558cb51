import type { AllergyIntolerance, Condition as FhirCondition, MedicationStatement } from '@medplum/fhirtypes' with {
  'resolution-mode': 'import',
};
import { AllergyCriticality, type Allergy, type Condition, type Medication, type Patient } from '../modules/patients';
import { fhirId, ref } from './ids';
import { inverse, type Element } from './input';

/**
 * The patient record's lists as FHIR resources: AllergyIntolerance,
 * Condition (ICD-10), MedicationStatement. Their ids are the items' stable
 * ids ("alg-…", "cnd-…", "med-…"); all are current (the record keeps what
 * holds now), so their clinical status is active.
 */

/** AllergyIntolerance.criticality (value set allergy-intolerance-criticality). */
export const CRITICALITY: Record<AllergyCriticality, 'low' | 'high' | 'unable-to-assess'> = {
  LOW: 'low',
  HIGH: 'high',
  UNABLE_TO_ASSESS: 'unable-to-assess',
};
const CLINICAL_STATUS = {
  allergy: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  condition: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
};
/** The code system our condition codes are claimed in: ICD-10 (the WHO edition; FHIR's identifier for it). */
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

export function toAllergy(patient: Patient, allergy: Allergy): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: fhirId(allergy.id),
    clinicalStatus: { coding: [{ system: CLINICAL_STATUS.allergy, code: 'active' }] },
    criticality: CRITICALITY[allergy.criticality],
    code: { text: allergy.substance },
    patient: ref('Patient', patient.id),
    ...(allergy.reaction ? { reaction: [{ manifestation: [{ text: allergy.reaction }] }] } : {}),
  };
}

export function toCondition(patient: Patient, condition: Condition): FhirCondition {
  return {
    resourceType: 'Condition',
    id: fhirId(condition.id),
    clinicalStatus: { coding: [{ system: CLINICAL_STATUS.condition, code: 'active' }] },
    verificationStatus: { coding: [{ system: CLINICAL_STATUS.conditionVerification, code: 'confirmed' }] },
    category: [{ coding: [{ system: CLINICAL_STATUS.conditionCategory, code: 'problem-list-item' }] }],
    code: condition.code ? { coding: [{ system: ICD10, code: condition.code }], text: condition.name } : { text: condition.name },
    subject: ref('Patient', patient.id),
    // A year or a date is a FHIR dateTime; other onsets ("childhood") stay words.
    ...(condition.since
      ? /^\d{4}(-\d{2}(-\d{2})?)?$/.test(condition.since)
        ? { onsetDateTime: condition.since }
        : { onsetString: condition.since }
      : {}),
  };
}

export function toMedication(patient: Patient, medication: Medication): MedicationStatement {
  const dosage = {
    ...(medication.dose ? { text: medication.dose } : {}),
    ...(medication.frequency ? { timing: { code: { text: medication.frequency } } } : {}),
  };
  return {
    resourceType: 'MedicationStatement',
    id: fhirId(medication.id),
    status: 'active',
    medicationCodeableConcept: { text: medication.name },
    subject: ref('Patient', patient.id),
    ...(Object.keys(dosage).length ? { dosage: [dosage] } : {}),
  };
}

export function fromAllergy(resource: Element) {
  return {
    substance: resource.get('code').required(resource.get('code').conceptText(200), 'AllergyIntolerance.code'),
    reaction: resource.get('reaction').first().get('manifestation').first().conceptText(500),
    // FHIR leaves criticality optional; a record without one has not assessed it.
    criticality: resource.get('criticality').code(inverse(CRITICALITY), AllergyCriticality.UNABLE_TO_ASSESS),
  };
}

export function fromCondition(resource: Element) {
  const code = resource.get('code');
  const onset = resource.get('onsetDateTime').exists ? resource.get('onsetDateTime') : resource.get('onsetString');
  return {
    name: code.required(code.conceptText(300), 'Condition.code'),
    code: code.codeIn(ICD10),
    since: onset.optionalString(30),
  };
}

export function fromMedication(resource: Element) {
  const medication = resource.get('medicationCodeableConcept');
  const dosage = resource.get('dosage').first();
  return {
    name: medication.required(medication.conceptText(300), 'MedicationStatement.medicationCodeableConcept'),
    dose: dosage.get('text').optionalString(100),
    frequency: dosage.get('timing').get('code').conceptText(100),
  };
}
