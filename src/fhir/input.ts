import type { CodeableConcept } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { invalid } from './outcome';

/**
 * One element of a submitted resource and where it is, as a FHIRPath
 * expression (`Bundle.entry[3].resource.status`), so every refusal names the
 * element at fault. Reading goes through it; nothing is taken on trust.
 */
export class Element {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  get exists(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** A child element (absent children are elements without a value). */
  get(key: string): Element {
    const value = this.value;
    if (this.exists && (typeof value !== 'object' || Array.isArray(value))) throw invalid(this.path, `${this.path} must be an object`);
    return new Element(this.exists ? (value as Record<string, unknown>)[key] : undefined, `${this.path}.${key}`);
  }

  /** The items of a repeating element (none when absent). */
  list(): Element[] {
    if (!this.exists) return [];
    if (!Array.isArray(this.value)) throw invalid(this.path, `${this.path} must be an array`);
    return this.value.map((item, i) => new Element(item, `${this.path}[${i}]`));
  }

  /** The first item of a repeating element (an element without a value when there is none). */
  first(): Element {
    return this.list()[0] ?? new Element(undefined, `${this.path}[0]`);
  }

  /** A string of 1–`max` characters after trimming, or null when absent. */
  optionalString(max: number): string | null {
    if (!this.exists) return null;
    if (typeof this.value !== 'string') throw invalid(this.path, `${this.path} must be a string`);
    const text = this.value.trim();
    if (!text) return null;
    if (text.length > max) throw invalid(this.path, `${this.path} must be at most ${max} characters`);
    return text;
  }

  string(max: number, what = this.path): string {
    return this.required(this.optionalString(max), what);
  }

  /** `value` read from this element (or below it), refused as missing when null. */
  required<T>(value: T | null, what = this.path): T {
    if (value === null) throw invalid(this.path, `${what} is required`);
    return value;
  }

  /** A FHIR `date` with year, month and day (YYYY-MM-DD), required. */
  date(what = this.path): Date {
    return this.required(this.optionalDate(), what);
  }

  /** One of the codes `codes` maps (required unless `fallback` is given). */
  code<T>(codes: Record<string, T>, fallback?: T): T {
    if (!this.exists && fallback !== undefined) return fallback;
    const code = this.string(64);
    if (!Object.hasOwn(codes, code)) throw invalid(this.path, `${this.path} must be one of ${Object.keys(codes).join(', ')}`);
    return codes[code];
  }

  /** A FHIR `date` with year, month and day (YYYY-MM-DD), or null when absent. */
  optionalDate(): Date | null {
    if (!this.exists) return null;
    const text = this.string(10);
    const date = new Date(`${text}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
      throw invalid(this.path, `${this.path} must be a date YYYY-MM-DD`);
    }
    return date;
  }

  /** A FHIR `dateTime` with a time and a zone, or null when absent. */
  optionalDateTime(): Date | null {
    if (!this.exists) return null;
    const text = this.string(40);
    const at = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(at.getTime())) {
      throw invalid(this.path, `${this.path} must be a dateTime with a zone, e.g. 2026-03-02T09:30:00Z`);
    }
    return at;
  }

  /** A HumanName in words: its text, else its given names and family name; null when absent. */
  nameText(max: number): string | null {
    if (!this.exists) return null;
    const parts = [
      ...this.get('given')
        .list()
        .map((g) => g.string(100)),
      this.get('family').optionalString(100),
    ].filter(Boolean);
    return this.get('text').optionalString(max) ?? (parts.join(' ').slice(0, max) || null);
  }

  /** What a CodeableConcept says in words: its text, else its first coding's display or code; null when absent. */
  conceptText(max: number): string | null {
    if (!this.exists) return null;
    const text = this.get('text').optionalString(max);
    if (text) return text;
    const coding = this.get('coding').first();
    return coding.get('display').optionalString(max) ?? coding.get('code').optionalString(max);
  }

  /** The code of the CodeableConcept's coding in `system`, or null. */
  codeIn(system: string): string | null {
    const coding = this.get('coding')
      .list()
      .find((c) => c.get('system').value === system);
    return coding ? coding.get('code').string(64) : null;
  }
}

/** A CodeableConcept with one coding of ours and its text. */
export function concept(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: display };
}

/** The inverse of a code map: FHIR code → ours. */
export function inverse<K extends string, V extends string>(map: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<V, K>;
}

/** The code systems of the hub's own vocabularies (the measure catalogue's is `urn:carehub:measure`). */
export const HUB_SYSTEM = {
  carePlanCategory: 'urn:carehub:care-plan-category',
  taskKind: 'urn:carehub:task-kind',
  alertSeverity: 'urn:carehub:alert-severity',
  discipline: 'urn:carehub:discipline',
} as const;

/** FHIR `date` of a Date (UTC day). */
export const fhirDate = (date: Date) => date.toISOString().slice(0, 10);
/** FHIR `instant`/`dateTime` of a Date. */
export const fhirInstant = (date: Date) => date.toISOString();
