/**
 * The curated table behind the allergy–medication safety check: a safety net,
 * not a drug database (README, "Medication safety check"). It knows the drug
 * classes where an allergy to one member is a reason to stop and think before
 * giving another, the names those drugs are written under (INN, older British
 * and US spellings, common brands), the combination products that hide them,
 * and a few documented cross-reactions between classes. Anything it does not
 * list is matched only against itself, by its normalised name.
 *
 * Names are written as a clinician would type them; `matcher.ts` normalises
 * them the same way as the text it reads (case, accents, hyphens, spacing).
 *
 * Sources:
 * - [AAAAI/ACAAI 2022] Khan DA, Banerji A, Blumenthal KG, et al. Drug allergy:
 *   a 2022 practice parameter update. J Allergy Clin Immunol 2022;150:1333–93.
 *   Beta-lactam cross-reactivity (penicillin–cephalosporin about 1–2 %,
 *   mostly through shared R1 side chains; carbapenems under 1 %), sulfonamide
 *   antibiotics vs non-antibiotic sulfonamides, NSAID hypersensitivity.
 * - [BNF] British National Formulary, the drug-class monographs (penicillins,
 *   cephalosporins, carbapenems, sulfonamides, NSAIDs, opioid analgesics):
 *   class members, names and combination products.
 * - [Strom 2003] Strom BL, Schinnar R, Apter AJ, et al. Absence of
 *   cross-reactivity between sulfonamide antibiotics and sulfonamide
 *   nonantibiotics. N Engl J Med 2003;349:1628–35.
 */

/** A class of drugs the table knows. */
export interface DrugClass {
  /** Stable id, used in the rules below. */
  id: string;
  /** How the class is named to clinicians (in error extensions and messages). */
  label: string;
  /** What a recorded allergy calls the class itself: "penicillin allergy" means the class, not one drug. */
  names: readonly string[];
  /** Member drugs by canonical name (the INN, BNF spelling) with the other names they are written under. */
  members: Readonly<Record<string, readonly string[]>>;
  /** Classes wholly inside this one (an umbrella such as the beta-lactams). */
  includes?: readonly string[];
  /**
   * Whether an allergy to one member conflicts with another member. True for
   * a class whose members share the structure reactions are directed at;
   * false for an umbrella (the opioids) whose members are usually tolerated
   * across its groups: then only an allergy that names the class itself
   * conflicts with every member.
   */
  membersCrossReact: boolean;
  /** What a clinician should know when a conflict goes through this class. */
  note?: string;
}

/** Drugs outside the classes: ingredients of combination products, and well-known synonyms. */
export const OTHER_DRUGS: Readonly<Record<string, readonly string[]>> = {
  // beta-lactamase inhibitors and other partners in combination products [BNF]
  'clavulanic acid': ['clavulanate', 'potassium clavulanate'],
  tazobactam: [],
  sulbactam: [],
  cilastatin: [],
  trimethoprim: ['tmp'],
  pyrimethamine: [],
  naloxone: [],
  procaine: [],
  misoprostol: [],
  // non-antibiotic sulfonamides and others named in the README's examples: known, never in a class here [Strom 2003]
  furosemide: ['frusemide', 'lasix'],
  hydrochlorothiazide: ['hctz'],
  // paracetamol and selective COX-2 inhibitors: usually tolerated in NSAID hypersensitivity [AAAAI/ACAAI 2022]
  paracetamol: ['acetaminophen', 'tylenol', 'panadol', 'apap'],
  celecoxib: ['celebrex'],
  etoricoxib: ['arcoxia'],
  methadone: ['methadose', 'physeptone'],
  tramadol: ['ultram', 'zydol', 'tramal'],
  tapentadol: ['palexia', 'nucynta'],
};

export const DRUG_CLASSES: readonly DrugClass[] = [
  {
    // [BNF] Penicillins; an allergy to one penicillin is an allergy to all of them until tested otherwise [AAAAI/ACAAI 2022].
    id: 'penicillins',
    label: 'penicillins',
    names: ['penicillin', 'penicillins', 'pcn'],
    membersCrossReact: true,
    members: {
      benzylpenicillin: ['penicillin g', 'pen g', 'benzyl penicillin', 'benzathine benzylpenicillin', 'benzathine penicillin', 'bicillin'],
      phenoxymethylpenicillin: ['penicillin v', 'pen v', 'penicillin vk', 'pen vk'],
      amoxicillin: ['amoxycillin', 'amoxil'],
      ampicillin: ['penbritin'],
      flucloxacillin: ['floxacillin', 'floxapen'],
      dicloxacillin: [],
      cloxacillin: [],
      oxacillin: [],
      nafcillin: [],
      piperacillin: [],
      ticarcillin: [],
      temocillin: [],
      pivmecillinam: ['mecillinam', 'selexid'],
    },
  },
  {
    // [BNF] Cephalosporins. Cross-reactivity among cephalosporins follows their side chains [AAAAI/ACAAI 2022]; the table treats the class as one.
    id: 'cephalosporins',
    label: 'cephalosporins',
    names: ['cephalosporin', 'cephalosporins'],
    membersCrossReact: true,
    note: 'Cross-reactivity among cephalosporins depends mostly on their side chains; one with a dissimilar side chain may be tolerated (AAAAI/ACAAI 2022).',
    members: {
      cefalexin: ['cephalexin', 'keflex'],
      cefadroxil: ['cephadroxil', 'duricef'],
      cefaclor: ['distaclor'],
      cefradine: ['cephradine'],
      cefatrizine: [],
      cefazolin: ['cephazolin', 'ancef'],
      cefuroxime: ['zinnat', 'zinacef', 'ceftin'],
      cefprozil: [],
      cefoxitin: [],
      cefotaxime: ['claforan'],
      ceftriaxone: ['rocephin'],
      ceftazidime: ['fortum', 'fortaz'],
      cefixime: ['suprax'],
      cefpodoxime: [],
      cefdinir: ['omnicef'],
      cefepime: ['maxipime'],
      ceftaroline: ['zinforo', 'teflaro'],
      ceftolozane: [],
      cefiderocol: ['fetcroja'],
    },
  },
  {
    // [BNF] Carbapenems. Not flagged for a penicillin or cephalosporin allergy: cross-reactivity under 1 % [AAAAI/ACAAI 2022].
    id: 'carbapenems',
    label: 'carbapenems',
    names: ['carbapenem', 'carbapenems'],
    membersCrossReact: true,
    members: { meropenem: ['meronem', 'merrem'], imipenem: [], ertapenem: ['invanz'], doripenem: [] },
  },
  {
    // [BNF] Aztreonam; cross-reacts with ceftazidime through their identical side chain (rule below), not with penicillins.
    id: 'monobactams',
    label: 'monobactams',
    names: ['monobactam', 'monobactams'],
    membersCrossReact: true,
    members: { aztreonam: ['azactam', 'cayston'] },
  },
  {
    // An umbrella: an allergy recorded as "beta-lactams" conflicts with every member; members of different classes do not.
    id: 'beta-lactams',
    label: 'beta-lactams',
    names: ['beta lactam', 'beta lactams', 'betalactam', 'betalactams', 'b lactam', 'b lactams'],
    membersCrossReact: false,
    includes: ['penicillins', 'cephalosporins', 'carbapenems', 'monobactams'],
    members: {},
  },
  {
    // Sulfonamide antibiotics only (arylamine sulfonamides) [AAAAI/ACAAI 2022, Strom 2003]: an allergy recorded as
    // "sulfa" or "sulfonamides" almost always means them. Non-antibiotic sulfonamides (furosemide, thiazides,
    // celecoxib, acetazolamide, sulfonylureas …) are not members and do not conflict. Sulfasalazine is a member:
    // it releases sulfapyridine, and the BNF contra-indicates it in sulfonamide hypersensitivity.
    id: 'sulfonamide-antibiotics',
    label: 'sulfonamide antibiotics',
    names: [
      'sulfa',
      'sulpha',
      'sulfas',
      'sulfonamide',
      'sulfonamides',
      'sulphonamide',
      'sulphonamides',
      'sulfa antibiotics',
      'sulfonamide antibiotics',
      'sulphonamide antibiotics',
    ],
    membersCrossReact: true,
    note: 'Only sulfonamide antibiotics are flagged: non-antibiotic sulfonamides (furosemide, thiazides, celecoxib …) do not cross-react with them (AAAAI/ACAAI 2022; Strom 2003).',
    members: {
      sulfamethoxazole: ['sulphamethoxazole', 'smx'],
      sulfadiazine: ['sulphadiazine', 'silver sulfadiazine', 'silver sulphadiazine', 'flamazine'],
      sulfisoxazole: ['sulfafurazole', 'sulphafurazole'],
      sulfacetamide: ['sulphacetamide'],
      sulfadoxine: ['sulphadoxine'],
      sulfapyridine: ['sulphapyridine'],
      sulfasalazine: ['sulphasalazine', 'salazopyrin', 'azulfidine'],
    },
  },
  {
    // Non-selective NSAIDs (COX-1 inhibitors), which cross-react in NSAID hypersensitivity [AAAAI/ACAAI 2022; BNF, NSAIDs].
    // Selective COX-2 inhibitors and paracetamol are usually tolerated and are not members (OTHER_DRUGS).
    id: 'nsaids',
    label: 'NSAIDs',
    names: [
      'nsaid',
      'nsaids',
      'non steroidal anti inflammatory',
      'nonsteroidal anti inflammatory',
      'non steroidal anti inflammatories',
      'nonsteroidal anti inflammatories',
      'non steroidals',
      'nonsteroidals',
    ],
    membersCrossReact: true,
    note: 'Non-selective NSAIDs cross-react through COX-1 inhibition; some patients react to one NSAID only, so confirm the history. Selective COX-2 inhibitors and paracetamol are usually tolerated and are not flagged (AAAAI/ACAAI 2022).',
    members: {
      aspirin: ['acetylsalicylic acid', 'disprin', 'ecotrin'],
      ibuprofen: ['advil', 'nurofen', 'motrin', 'brufen'],
      naproxen: ['aleve', 'naprosyn', 'anaprox', 'naprogesic'],
      diclofenac: ['voltaren', 'voltarol', 'cataflam'],
      ketoprofen: [],
      dexketoprofen: [],
      ketorolac: ['toradol'],
      indometacin: ['indomethacin', 'indocin', 'indocid'],
      piroxicam: ['feldene'],
      meloxicam: ['mobic'],
      tenoxicam: [],
      'mefenamic acid': ['ponstan', 'ponstel'],
      flurbiprofen: [],
      etodolac: [],
      nabumetone: [],
      aceclofenac: [],
      sulindac: [],
    },
  },
  {
    // Opioids with the phenanthrene (morphinan) structure. Most reactions to opioids are pseudo-allergic (direct
    // mast-cell histamine release, commonest with these); when one is blamed, the usual advice is to change to
    // another structural group. Members and names [BNF, opioid analgesics]; the grouping is the standard
    // chemical classification, used here as a heuristic, not a guideline.
    id: 'phenanthrene-opioids',
    label: 'opioids (phenanthrenes)',
    names: [],
    membersCrossReact: true,
    note: 'Most opioid reactions are pseudo-allergic; a structurally different opioid (fentanyl, methadone) is the usual alternative.',
    members: {
      morphine: ['ms contin', 'oramorph', 'sevredol', 'zomorph'],
      codeine: [],
      dihydrocodeine: ['df118'],
      diamorphine: ['heroin'],
      hydromorphone: ['dilaudid', 'palladone'],
      oxycodone: ['oxycontin', 'oxynorm', 'roxicodone'],
      hydrocodone: [],
      oxymorphone: [],
      buprenorphine: ['subutex', 'butrans', 'temgesic'],
      levorphanol: [],
    },
  },
  {
    // Opioids with the phenylpiperidine structure [BNF, opioid analgesics]; see the phenanthrenes for how the groups are used.
    id: 'phenylpiperidine-opioids',
    label: 'opioids (phenylpiperidines)',
    names: [],
    membersCrossReact: true,
    members: {
      fentanyl: ['duragesic', 'durogesic', 'actiq', 'abstral'],
      alfentanil: [],
      sufentanil: [],
      remifentanil: ['ultiva'],
      pethidine: ['meperidine', 'demerol'],
    },
  },
  {
    // An umbrella: an allergy recorded as "opioids" conflicts with every opioid; a single opioid only with its own group.
    id: 'opioids',
    label: 'opioids',
    names: ['opioid', 'opioids', 'opiate', 'opiates', 'narcotic', 'narcotics'],
    membersCrossReact: false,
    includes: ['phenanthrene-opioids', 'phenylpiperidine-opioids'],
    members: { methadone: [], tramadol: [], tapentadol: [] },
  },
];

/**
 * Combination products and brand names that stand for more than one drug
 * [BNF]: every ingredient is checked.
 */
export const PRODUCTS: Readonly<Record<string, readonly string[]>> = {
  augmentin: ['amoxicillin', 'clavulanic acid'],
  'co amoxiclav': ['amoxicillin', 'clavulanic acid'],
  coamoxiclav: ['amoxicillin', 'clavulanic acid'],
  unasyn: ['ampicillin', 'sulbactam'],
  tazocin: ['piperacillin', 'tazobactam'],
  zosyn: ['piperacillin', 'tazobactam'],
  'pip tazo': ['piperacillin', 'tazobactam'],
  timentin: ['ticarcillin', 'clavulanic acid'],
  'co fluampicil': ['flucloxacillin', 'ampicillin'],
  magnapen: ['flucloxacillin', 'ampicillin'],
  'procaine benzylpenicillin': ['benzylpenicillin', 'procaine'],
  'procaine penicillin': ['benzylpenicillin', 'procaine'],
  zerbaxa: ['ceftolozane', 'tazobactam'],
  primaxin: ['imipenem', 'cilastatin'],
  'co trimoxazole': ['sulfamethoxazole', 'trimethoprim'],
  cotrimoxazole: ['sulfamethoxazole', 'trimethoprim'],
  bactrim: ['sulfamethoxazole', 'trimethoprim'],
  septra: ['sulfamethoxazole', 'trimethoprim'],
  septrin: ['sulfamethoxazole', 'trimethoprim'],
  'tmp smx': ['sulfamethoxazole', 'trimethoprim'],
  'smx tmp': ['sulfamethoxazole', 'trimethoprim'],
  fansidar: ['sulfadoxine', 'pyrimethamine'],
  'co codamol': ['codeine', 'paracetamol'],
  'co dydramol': ['dihydrocodeine', 'paracetamol'],
  percocet: ['oxycodone', 'paracetamol'],
  vicodin: ['hydrocodone', 'paracetamol'],
  norco: ['hydrocodone', 'paracetamol'],
  suboxone: ['buprenorphine', 'naloxone'],
  targinact: ['oxycodone', 'naloxone'],
  'co codaprin': ['codeine', 'aspirin'],
  arthrotec: ['diclofenac', 'misoprostol'],
};

/**
 * Documented cross-reactions between drugs of different classes, most
 * specific first (the first that applies is reported).
 */
export const CROSS_REACTIONS: readonly (
  { kind: 'side-chain'; drugs: readonly string[]; note: string } | { kind: 'classes'; classes: readonly [string, string]; note: string }
)[] = [
  // Identical or near-identical R1 side chains [AAAAI/ACAAI 2022].
  {
    kind: 'side-chain',
    drugs: ['ampicillin', 'cefalexin', 'cefaclor', 'cefradine'],
    note: 'Ampicillin, cefalexin, cefaclor and cefradine share an R1 side chain: cross-reactivity is more likely than between penicillins and cephalosporins in general (AAAAI/ACAAI 2022).',
  },
  {
    kind: 'side-chain',
    drugs: ['amoxicillin', 'cefadroxil', 'cefprozil', 'cefatrizine'],
    note: 'Amoxicillin, cefadroxil, cefprozil and cefatrizine share an R1 side chain: cross-reactivity is more likely than between penicillins and cephalosporins in general (AAAAI/ACAAI 2022).',
  },
  {
    kind: 'side-chain',
    drugs: ['ceftazidime', 'aztreonam'],
    note: 'Ceftazidime and aztreonam share an identical side chain and may cross-react (AAAAI/ACAAI 2022).',
  },
  // Penicillin–cephalosporin: low (about 1–2 %), mostly through similar side chains [AAAAI/ACAAI 2022].
  {
    kind: 'classes',
    classes: ['penicillins', 'cephalosporins'],
    note: 'Penicillin–cephalosporin cross-reactivity is low (about 1–2 %) and mostly through similar side chains; a cephalosporin with a dissimilar side chain is usually tolerated (AAAAI/ACAAI 2022). Check the reaction history.',
  },
];
