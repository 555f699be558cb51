import type { Reference } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { typeOfId } from '../core/ids';

/**
 * FHIR ids are our ids (stable: they never change) written with "-" for
 * "_", since a FHIR id allows only letters, digits, "-" and "." (R4
 * datatypes, `id`): "pat_0193…" is `Patient/pat-0193…`. One mapping, both
 * ways; our ids hold exactly one "_" after a three-letter prefix and no "-".
 */
export function fhirId(id: string): string {
  return id.replace('_', '-');
}

/** Our id behind a FHIR id, or null when it is none of ours (or of another type than `type`). */
export function ourId(fhir: string, type: string): string | null {
  const id = fhir.replace(/^([a-z]{3})-/, '$1_');
  return typeOfId(id) === type ? id : null;
}

/** A relative reference `Type/id` to one of our records, as every exported resource writes it. */
export function ref(resourceType: string, id: string, display?: string): Reference<never> {
  return display === undefined ? { reference: `${resourceType}/${fhirId(id)}` } : { reference: `${resourceType}/${fhirId(id)}`, display };
}
