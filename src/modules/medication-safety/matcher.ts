import { CROSS_REACTIONS, DRUG_CLASSES, OTHER_DRUGS, PRODUCTS, type DrugClass } from './drug-table';

/**
 * Reads free text (an allergy's substance, a medication's name) against the
 * curated table (drug-table.ts) and says whether an allergy and a medication
 * conflict. Pure functions over a table built once at import.
 *
 * How text is read: case, accents, hyphens and spacing do not matter; a
 * combination written with `/`, `+`, `&`, `,`, `;`, "and", "with", "plus" or
 * brackets is read part by part; known names are found as whole words,
 * longest first ("penicillin v" before "penicillin"), never inside another
 * word ("penicillamine" is not "penicillin"); doses, units, dosage forms,
 * salts and words such as "allergy" around a name are ignored. Words the
 * table does not know are kept as they are and match only the same words.
 */

/** How a medication conflicts with an allergy, strongest first. */
export enum SafetyMatch {
  /** The medication is, or contains, the substance the allergy names. */
  SAME_SUBSTANCE = 'SAME_SUBSTANCE',
  /** The medication belongs to the class the allergy names, or shares a cross-reacting class with the drug it names. */
  SAME_CLASS = 'SAME_CLASS',
  /** The medication belongs to another class with a documented (usually low) cross-reactivity. */
  CROSS_REACTIVITY = 'CROSS_REACTIVITY',
}

/** What the table found in a text: known drugs, classes named as such, and words it does not know. */
type Item = { kind: 'drug'; id: string } | { kind: 'class'; id: string } | { kind: 'text'; key: string };

/** One conflict between an allergy text and a medication text. */
export interface Finding {
  match: SafetyMatch;
  /** The class through which they conflict (for a cross-reaction, the medication's class); null for the same substance. */
  drugClass: string | null;
  /** What a clinician should know about this kind of conflict (documented cross-reactivity, exceptions); null when nothing. */
  note: string | null;
  /** The drug in the medication that conflicts, when the table knows it (e.g. amoxicillin in "Augmentin"). */
  ingredient: string | null;
}

// ---- reading text ----

const SEPARATORS = /[/+&,;()[\]{}]|\b(?:and|with|plus)\b/;
const NUMBER = /^\d+$/;
/** Words around a drug name that do not change which drug it is. */
const NOISE = new Set(
  [
    // units
    '% mg mcg ug g gram grams kg ml iu unit units mmol microgram micrograms milligram milligrams',
    // dosage forms and routes
    'tablet tablets tab tabs capsule capsules cap caps oral po iv im sc injection inj infusion solution suspension syrup liquid drops',
    'cream ointment gel patch patches inhaler spray powder granules sachet sachets dispersible effervescent chewable modified release',
    'extended prolonged sustained er sr xr xl mr cr ec enteric coated film forte',
    // how often (sometimes typed into the name)
    'once twice daily od bd bid tds tid qds qid prn nocte mane',
    // words around an allergy
    'allergy allergies allergic intolerance intolerant sensitivity hypersensitivity reaction reactions to of the all any class group',
    'family type drug drugs medication medications medicine medicines agent agents antibiotic antibiotics analgesic analgesics',
  ].flatMap((line) => line.split(' ')),
);
/** Salts, hydrates and esters: "amoxicillin trihydrate" is amoxicillin. Dropped only when another word remains ("potassium chloride" stays). */
const SALTS = new Set(
  [
    'sodium potassium calcium magnesium hydrochloride hcl hydrobromide sulfate sulphate phosphate tartrate bitartrate citrate maleate',
    'mesylate mesilate besylate besilate succinate acetate fumarate trihydrate dihydrate monohydrate hydrate anhydrous hyclate',
  ].flatMap((line) => line.split(' ')),
);

/** Lower case, no accents, "β" spelled out; digits apart from letters ("500mg" → "500 mg"). */
function clean(text: string): string {
  return text
    .replace(/[βß]/g, ' beta ')
    .replace(/[µμ]/g, 'u')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function words(part: string): string[] {
  return part
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/%/g, ' % ')
    .split(/[^a-z0-9%]+/)
    .filter(Boolean);
}

/** A name from the table, in the form text is compared in. */
function normalName(name: string): string {
  return words(clean(name)).join(' ');
}

// ---- the table, indexed ----

const classById = new Map<string, DrugClass>(DRUG_CLASSES.map((c) => [c.id, c]));
const namesIndex = new Map<string, Item[]>();
let longestName = 1;

function addName(name: string, items: Item[], owner: string): void {
  const key = normalName(name);
  const known = namesIndex.get(key);
  if (known && JSON.stringify(known) !== JSON.stringify(items)) {
    throw new Error(`medication-safety table: "${name}" (${owner}) is already a name of ${JSON.stringify(known)}`);
  }
  namesIndex.set(key, items);
  longestName = Math.max(longestName, key.split(' ').length);
}

const drugIds = new Set<string>();
for (const c of DRUG_CLASSES) {
  for (const [id, names] of Object.entries(c.members)) {
    drugIds.add(id);
    for (const name of [id, ...names]) addName(name, [{ kind: 'drug', id }], id);
  }
  for (const name of c.names) addName(name, [{ kind: 'class', id: c.id }], c.id);
}
for (const [id, names] of Object.entries(OTHER_DRUGS)) {
  drugIds.add(id);
  for (const name of [id, ...names]) addName(name, [{ kind: 'drug', id }], id);
}
for (const [name, ingredients] of Object.entries(PRODUCTS)) {
  for (const id of ingredients)
    if (!drugIds.has(id)) throw new Error(`medication-safety table: product ${name} has unknown ingredient ${id}`);
  addName(
    name,
    ingredients.map((id) => ({ kind: 'drug', id })),
    name,
  );
}

/** A class and every class inside it, transitively. */
function subclassesOf(classId: string): Set<string> {
  const c = classById.get(classId);
  if (!c) throw new Error(`medication-safety table: unknown class ${classId}`);
  return new Set([classId, ...(c.includes ?? []).flatMap((inner) => [...subclassesOf(inner)])]);
}
const subclasses = new Map(DRUG_CLASSES.map((c) => [c.id, subclassesOf(c.id)]));
const membersOf = new Map(
  DRUG_CLASSES.map((c) => [c.id, new Set([...subclasses.get(c.id)!].flatMap((inner) => Object.keys(classById.get(inner)!.members)))]),
);
/** The classes a drug is in, most specific (fewest members) first. */
const classesOfDrug = new Map<string, DrugClass[]>();
for (const id of drugIds) {
  const within = DRUG_CLASSES.filter((c) => membersOf.get(c.id)!.has(id));
  classesOfDrug.set(
    id,
    within.sort((a, b) => membersOf.get(a.id)!.size - membersOf.get(b.id)!.size),
  );
}
for (const rule of CROSS_REACTIONS) {
  const ids = rule.kind === 'side-chain' ? rule.drugs : rule.classes;
  for (const id of ids) {
    if (rule.kind === 'side-chain' ? !drugIds.has(id) : !classById.has(id)) throw new Error(`medication-safety table: rule names ${id}`);
  }
}

// ---- recognising text ----

/** The drugs, classes and unknown words a text names (see the module comment for how it is read). */
function recognise(text: string): Item[] {
  const items: Item[] = [];
  for (const part of clean(text).split(SEPARATORS)) {
    const tokens = words(part);
    const known: Item[] = [];
    const runs: string[][] = [[]];
    for (let i = 0; i < tokens.length;) {
      let found: Item[] | undefined;
      let length = Math.min(longestName, tokens.length - i);
      for (; length > 0; length--) {
        found = namesIndex.get(tokens.slice(i, i + length).join(' '));
        if (found) break;
      }
      if (found) {
        known.push(...found);
        runs.push([]);
        i += length;
      } else {
        runs.at(-1)!.push(tokens[i]);
        i += 1;
      }
    }
    items.push(...known);
    // Words around known names, or a name the table does not know: kept as written, less doses, forms and salts.
    for (const run of runs) {
      const meaningful = run.filter((t) => !NOISE.has(t) && !NUMBER.test(t));
      const unsalted = meaningful.filter((t) => !SALTS.has(t));
      const key = (unsalted.length || known.length ? unsalted : meaningful).join(' ');
      if (key) items.push({ kind: 'text', key });
    }
  }
  return items;
}

/**
 * What a medication is, for telling a new medication from one already on the
 * record: "Amoxicillin 500 mg" and "amoxicillin trihydrate 250mg" are the
 * same; "Augmentin" is not "amoxicillin" (it adds clavulanic acid).
 */
export function medicationIdentity(name: string): string {
  const keys = recognise(name).map((item) => (item.kind === 'text' ? `text:${item.key}` : `${item.kind}:${item.id}`));
  return keys.length ? [...new Set(keys)].sort().join('|') : clean(name).trim();
}

// ---- comparing ----

function contains(classId: string, item: Item): boolean {
  if (item.kind === 'drug') return membersOf.get(classId)!.has(item.id);
  if (item.kind === 'class') return subclasses.get(classId)!.has(item.id);
  return false;
}

const rank = { [SafetyMatch.SAME_SUBSTANCE]: 3, [SafetyMatch.SAME_CLASS]: 2, [SafetyMatch.CROSS_REACTIVITY]: 1 };

function labelOf(item: Item, within?: string): string | null {
  if (item.kind === 'class') return classById.get(item.id)!.label;
  if (item.kind !== 'drug') return null;
  const classes = classesOfDrug.get(item.id) ?? [];
  return (classes.find((c) => !within || subclasses.get(within)!.has(c.id)) ?? classes[0])?.label ?? null;
}

function compareItems(allergy: Item, medication: Item): Omit<Finding, 'ingredient'> | null {
  if (allergy.kind === 'text' || medication.kind === 'text') {
    const same = allergy.kind === 'text' && medication.kind === 'text' && allergy.key === medication.key;
    return same ? { match: SafetyMatch.SAME_SUBSTANCE, drugClass: null, note: null } : null;
  }
  if (allergy.kind === 'drug' && medication.kind === 'drug' && allergy.id === medication.id) {
    return { match: SafetyMatch.SAME_SUBSTANCE, drugClass: null, note: null };
  }
  const sameClass = (c: DrugClass) => ({ match: SafetyMatch.SAME_CLASS, drugClass: c.label, note: c.note ?? null });
  if (allergy.kind === 'class' && contains(allergy.id, medication)) return sameClass(classById.get(allergy.id)!);
  if (medication.kind === 'class' && contains(medication.id, allergy)) return sameClass(classById.get(medication.id)!);
  if (allergy.kind === 'drug' && medication.kind === 'drug') {
    const shared = (classesOfDrug.get(medication.id) ?? []).find((c) => c.membersCrossReact && membersOf.get(c.id)!.has(allergy.id));
    if (shared) return sameClass(shared);
  }
  for (const rule of CROSS_REACTIONS) {
    if (rule.kind === 'side-chain') {
      if (allergy.kind === 'drug' && medication.kind === 'drug' && rule.drugs.includes(allergy.id) && rule.drugs.includes(medication.id)) {
        return { match: SafetyMatch.CROSS_REACTIVITY, drugClass: labelOf(medication), note: rule.note };
      }
      continue;
    }
    const [x, y] = rule.classes;
    const medicationSide = contains(x, allergy) && contains(y, medication) ? y : contains(y, allergy) && contains(x, medication) ? x : null;
    if (medicationSide) return { match: SafetyMatch.CROSS_REACTIVITY, drugClass: labelOf(medication, medicationSide), note: rule.note };
  }
  return null;
}

/**
 * Whether a medication conflicts with an allergy, and how: the strongest
 * conflict between anything the allergy names and anything the medication
 * contains; null when they do not conflict (as far as the table knows).
 */
export function compare(allergySubstance: string, medicationName: string): Finding | null {
  let best: Finding | null = null;
  const allergyItems = recognise(allergySubstance);
  for (const medication of recognise(medicationName)) {
    for (const allergy of allergyItems) {
      const found = compareItems(allergy, medication);
      if (found && (!best || rank[found.match] > rank[best.match])) {
        best = { ...found, ingredient: medication.kind === 'drug' ? medication.id : null };
      }
    }
  }
  return best;
}
