import type { Observation as FhirObservation, QuestionnaireResponse } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import type { CheckIn, Observation } from '../modules/check-ins';
import { LOINC_SYSTEM, MeasureValueType, QUESTIONNAIRES, type Measure } from '../modules/measures';
import { fhirId, ref } from './ids';
import { fhirInstant } from './input';

/** Units are UCUM codes (the measure catalogue holds them so). */
export const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** LOINC codes of the FHIR vital-signs profile among our measures: their observations are `vital-signs`. */
const VITAL_SIGNS = new Set(['29463-7', '8480-6', '8462-4', '8867-4', '59408-5', '2708-6', '8310-5', '9279-1', '8302-2', '39156-5']);
/** The LOINC panels whose items our PHQ-9 and GAD-7 answers are, by the LOINC code of their total. */
const QUESTIONNAIRE_URL: Record<string, string> = {
  '44261-6': 'http://loinc.org/q/44249-1',
  '70274-6': 'http://loinc.org/q/69737-5',
};
/** LOINC answer codes of the 0–3 "over the last two weeks" scale (LL358-3), by value. */
const ANSWER_CODES = ['LA6568-5', 'LA6569-3', 'LA6570-1', 'LA6571-9'];

/**
 * Observation: one value of a check-in, coded as its measure (LOINC where the
 * catalogue has it), with a UCUM quantity, a coded answer, or a
 * questionnaire's total (`{score}`) with its band as interpretation and the
 * answers as a QuestionnaireResponse of the same id (derivedFrom).
 */
export function toObservation(observation: Observation, checkIn: CheckIn, measure: Measure): FhirObservation {
  const category =
    measure.valueType === MeasureValueType.QUESTIONNAIRE
      ? 'survey'
      : VITAL_SIGNS.has(measure.code) && measure.system === LOINC_SYSTEM
        ? 'vital-signs'
        : 'exam';
  const value =
    measure.valueType === MeasureValueType.CODED
      ? {
          valueCodeableConcept: {
            coding: [{ system: `${measure.system}:${measure.code}`, code: observation.code! }],
            text: measure.options.find((o) => o.code === observation.code)?.display ?? observation.code!,
          },
        }
      : { valueQuantity: { value: observation.value!, unit: measure.unit, system: UCUM, code: measure.unit } };
  return {
    resourceType: 'Observation',
    id: fhirId(observation.id),
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: category }] }],
    code: { coding: [{ system: measure.system, code: measure.code, display: measure.name }], text: measure.name },
    subject: ref('Patient', observation.patient.id),
    effectiveDateTime: fhirInstant(observation.takenAt),
    issued: fhirInstant(checkIn.createdAt),
    performer: [reporter(checkIn)],
    ...value,
    ...(observation.band ? { interpretation: [{ text: observation.band }] } : {}),
    ...(observation.answers ? { derivedFrom: [ref('QuestionnaireResponse', observation.id)] } : {}),
    ...(checkIn.note ? { note: [{ text: checkIn.note }] } : {}),
  };
}

/** The item-by-item answers of a PHQ-9 or GAD-7 observation; null for other observations. */
export function toQuestionnaireResponse(observation: Observation, checkIn: CheckIn): QuestionnaireResponse | null {
  const questionnaire = QUESTIONNAIRES.get(observation.measureCode);
  if (!questionnaire || !observation.answers) return null;
  return {
    resourceType: 'QuestionnaireResponse',
    id: fhirId(observation.id),
    questionnaire: QUESTIONNAIRE_URL[observation.measureCode],
    status: 'completed',
    subject: ref('Patient', observation.patient.id),
    authored: fhirInstant(observation.takenAt),
    author: reporter(checkIn),
    item: questionnaire.items.map((item, i) => ({
      linkId: String(item.number),
      text: item.text,
      answer: [
        {
          valueCoding: {
            system: LOINC_SYSTEM,
            code: ANSWER_CODES[observation.answers![i]],
            display: questionnaire.answerScale[observation.answers![i]],
          },
        },
      ],
    })),
  };
}

/** Who recorded the values: the team member, or (reported by the patient or a caregiver, `recordedBy` null) the patient. */
function reporter(checkIn: CheckIn) {
  return checkIn.recordedBy ? ref('Practitioner', checkIn.recordedBy.id) : ref('Patient', checkIn.patient.id);
}
