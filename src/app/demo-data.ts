import { operatorViewer, providerViewer, type Viewer } from '../auth/viewer';
import { CaregiverConsent, ConsentScope, caregiverConsents } from '../modules/caregiver-consent';
import { CarePlanCategory, CarePlanStatus, carePlans, type CarePlan } from '../modules/care-plans';
import { careTeam } from '../modules/care-team';
import { CheckInSource, checkIns } from '../modules/check-ins';
import { goals, GoalStatus } from '../modules/goals';
import { Organization, organizations } from '../modules/organizations';
import { AllergyCriticality, Patient, patients } from '../modules/patients';
import { Discipline, Provider, providers } from '../modules/providers';
import { TaskKind, TaskPriority, TaskStatus, tasks, type Task } from '../modules/tasks';
import { AlertSeverity, RuleComparison, warningSigns } from '../modules/warning-signs';
import { createContexts } from './contexts';
import { loadDemoTemplates } from './demo-templates';
import type { Orm } from './orm';

export const DEMO_PROVIDER_EMAIL = 'amara.okafor@riverside.example';
const DEMO_PATIENT_MRN = 'RCH-100231';

const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const date = (n: number) => new Date(days(n).toISOString().slice(0, 10));

/**
 * Loads the demo clinic into an empty database, through the same services as
 * the API (so it has events and audit records like real data). Returns the
 * provider whose token start-up prints, and the demo patient and caregiver
 * (Ruth Lindqvist and her son, with her consent) whose tokens it prints too.
 */
export async function loadDemoData(orm: Orm): Promise<DemoPrincipals> {
  const existing = await orm.em.fork().findOne(Provider, { email: DEMO_PROVIDER_EMAIL });
  if (existing) return { provider: existing, ...(await patientSide(orm)) };
  if (await orm.em.fork().count(Organization)) {
    const first = await orm.em.fork().findOne(Provider, {}, { orderBy: { id: 'asc' } });
    if (first) return { provider: first };
  }

  const contexts = createContexts(orm);
  const admin = () => contexts.create(operatorViewer('demo-loader'), 'demo');
  const as = (p: Provider) => contexts.create(providerViewer(p.id), 'demo');

  const org = await organizations.create(admin(), { name: 'Riverside Community Health' });
  const provider = (name: string, discipline: Discipline, specialty: string | null, email: string) =>
    providers.create(admin(), { organizationId: org.id, name, discipline, specialty, email });
  const amara = await provider('Dr. Amara Okafor', Discipline.PHYSICIAN, 'family medicine', DEMO_PROVIDER_EMAIL);
  const lukas = await provider('Dr. Lukas Brenner', Discipline.SPECIALIST, 'cardiology', 'lukas.brenner@riverside.example');
  const sofia = await provider('Dr. Sofia Marin', Discipline.SPECIALIST, 'orthopaedic surgery', 'sofia.marin@riverside.example');
  const noor = await provider('Noor Haddad', Discipline.THERAPIST, 'CBT', 'noor.haddad@riverside.example');
  const tom = await provider('Tom Eriksen', Discipline.THERAPIST, 'physiotherapy', 'tom.eriksen@riverside.example');
  const grace = await provider('Grace Mensah, RN', Discipline.NURSE, 'home care', 'grace.mensah@riverside.example');
  const daniel = await provider('Daniel Cho, RN', Discipline.NURSE, 'heart failure', 'daniel.cho@riverside.example');

  async function team(patientId: string, members: [Provider, string][]) {
    for (const [p, role] of members) await careTeam.add(admin(), { patientId, providerId: p.id, role });
  }
  async function plan(
    owner: Provider,
    patientId: string,
    title: string,
    category: CarePlanCategory,
    description: string,
    warningSigns: string[],
  ) {
    const draft = await carePlans.create(as(owner), { patientId, title, category, ownerId: owner.id, description, warningSigns });
    return carePlans.update(as(owner), { id: draft.id, expectedVersion: draft.version, status: CarePlanStatus.ACTIVE });
  }
  async function goal(owner: Provider, p: CarePlan, description: string, target: string, due: number, status?: GoalStatus) {
    const g = await goals.add(as(owner), { carePlanId: p.id, description, target, dueDate: date(due) });
    if (status) await goals.update(as(owner), { id: g.id, status });
  }
  async function task(
    by: Provider,
    p: CarePlan,
    title: string,
    kind: TaskKind,
    priority: TaskPriority,
    assignee: Provider,
    due: number,
    path: TaskStatus[] = [],
  ) {
    let t: Task = await tasks.create(as(by), { carePlanId: p.id, title, kind, priority, assigneeId: assignee.id, dueAt: days(due) });
    for (const to of path) t = await tasks.transition(as(assignee), { id: t.id, expectedVersion: t.version, to });
    return t;
  }
  async function rule(owner: Provider, p: CarePlan, input: Omit<Parameters<typeof warningSigns.add>[1], 'carePlanId'>) {
    await warningSigns.add(as(owner), { carePlanId: p.id, ...input });
  }
  type Value = { measure: string; value?: number; code?: string; answers?: number[] };
  async function checkIn(by: Provider, patientId: string, takenAt: Date, source: CheckInSource, values: Value[], note?: string) {
    await checkIns.record(as(by), { patientId, takenAt, source, values, note });
  }
  const { ACCEPTED, IN_PROGRESS, COMPLETED, ON_HOLD } = TaskStatus;
  // `n` days and `hours` hours before the load started (one clock, so "3 days before" is exact).
  const now = Date.now();
  const ago = (n: number, hours = 0) => new Date(now - n * 86_400_000 - hours * 3_600_000);
  const { HIGH, MODERATE, CRITICAL } = AlertSeverity;
  const WEIGHT = '29463-7',
    SPO2 = '59408-5',
    HEART_RATE = '8867-4',
    TEMPERATURE = '8310-5',
    PAIN = '72514-3',
    PHQ9 = '44261-6',
    SLEEP = '93832-4',
    WOUND = 'wound-status';

  // 1. Home recovery after hip replacement.
  const ruth = await patients.create(admin(), {
    organizationId: org.id,
    mrn: DEMO_PATIENT_MRN,
    name: 'Ruth Lindqvist',
    birthDate: new Date('1948-03-14'),
    preferredLanguage: 'sv',
    history: 'Right total hip arthroplasty 10 days ago after a fall at home. Lives alone, second floor, no lift.',
    preferences: ['Prefers morning visits', 'Wants to stay at home rather than go to rehab'],
    personalGoals: ['Walk to the market on her own again'],
    supportNetwork: [{ name: 'Erik Lindqvist', relationship: 'son', phone: '+46 70 123 45 67', email: null, isCaregiver: true }],
    allergies: [{ substance: 'Penicillin', reaction: 'Hives', criticality: AllergyCriticality.HIGH }],
    conditions: [
      { name: 'Osteoarthritis of the hip', code: 'M16.1', since: '2015' },
      { name: 'Hypertension', code: 'I10', since: '2009' },
    ],
    medications: [
      { name: 'Enoxaparin', dose: '40 mg', frequency: 'once daily, 28 days' },
      { name: 'Amlodipine', dose: '5 mg', frequency: 'once daily' },
    ],
  });
  await team(ruth.id, [
    [amara, 'primary physician'],
    [sofia, 'orthopaedic surgeon'],
    [tom, 'physiotherapist'],
    [grace, 'home nurse'],
  ]);
  const hip = await plan(
    sofia,
    ruth.id,
    'Home recovery after right hip replacement',
    CarePlanCategory.HOME_RECOVERY,
    'Six-week home rehabilitation with nursing visits and physiotherapy.',
    ['Calf pain or swelling', 'Fever above 38 °C', 'Wound redness or discharge', 'Sudden hip pain or shortening of the leg'],
  );
  await goal(sofia, hip, 'Walk independently with a cane', 'Walks 200 m with a cane without rest', 42, GoalStatus.ACTIVE);
  await goal(sofia, hip, 'Wound healed without infection', 'Clips removed, no signs of infection', 14, GoalStatus.ACTIVE);
  await goal(sofia, hip, 'Climb stairs safely', 'One flight of stairs with rail, supervised', 28);
  await task(sofia, hip, 'Wound check and clip removal', TaskKind.HOME_VISIT, TaskPriority.ROUTINE, grace, 4, [ACCEPTED]);
  await task(sofia, hip, 'Daily anticoagulant injection teaching', TaskKind.EDUCATION, TaskPriority.URGENT, grace, 1, [
    ACCEPTED,
    IN_PROGRESS,
    COMPLETED,
  ]);
  await task(sofia, hip, 'Physiotherapy: gait training, 3×/week', TaskKind.THERAPY_SESSION, TaskPriority.ROUTINE, tom, 2, [
    ACCEPTED,
    IN_PROGRESS,
  ]);
  await task(amara, hip, 'Review blood pressure medication', TaskKind.MEDICATION, TaskPriority.ROUTINE, amara, 7);
  await rule(sofia, hip, {
    measure: PAIN,
    comparison: RuleComparison.AT_LEAST,
    threshold: 7,
    consecutive: 2,
    severity: MODERATE,
    instruction: 'Review analgesia; examine the hip for dislocation or haematoma.',
    assignRole: 'home nurse',
  });
  await rule(sofia, hip, {
    measure: WOUND,
    comparison: RuleComparison.IS_ONE_OF,
    codes: ['WORSE', 'INFECTION_SIGNS', 'OPEN'],
    severity: HIGH,
    instruction: 'Same-day wound review; swab if discharge; call the orthopaedic team.',
    assignRole: 'orthopaedic surgeon',
  });
  await rule(sofia, hip, {
    measure: TEMPERATURE,
    comparison: RuleComparison.ABOVE,
    threshold: 38,
    severity: HIGH,
    instruction: 'Check the wound and calf; blood cultures and CRP if no other cause.',
    assignRole: 'home nurse',
  });
  // Pain since the operation (reported on the physiotherapist's calls), falling; the nurse's visits add wound and temperature.
  const pain = [7, 6, 6, 5, 5, 4, 4, 3, 3, 2];
  const visits = new Map([
    [9, { wound: 'UNCHANGED', temperature: 37.4 }],
    [7, { wound: 'HEALING', temperature: 37.1 }],
    [4, { wound: 'HEALING', temperature: 36.9 }],
    [1, { wound: 'HEALING', temperature: 36.8 }],
  ]);
  for (const [i, score] of pain.entries()) {
    const day = pain.length - 1 - i;
    const visit = visits.get(day);
    if (visit) {
      await checkIn(grace, ruth.id, ago(day, 3), CheckInSource.CLINICIAN, [
        { measure: PAIN, value: score },
        { measure: WOUND, code: visit.wound },
        { measure: TEMPERATURE, value: visit.temperature },
      ]);
    } else await checkIn(tom, ruth.id, ago(day, 3), CheckInSource.PATIENT, [{ measure: PAIN, value: score }]);
  }

  // 2. Depression treatment.
  const miguel = await patients.create(admin(), {
    organizationId: org.id,
    mrn: 'RCH-100877',
    name: 'Miguel Ortega',
    birthDate: new Date('1991-11-02'),
    preferredLanguage: 'es',
    history: 'Moderate depressive episode since spring; lost job in March. No previous psychiatric admissions.',
    preferences: ['Prefers therapy over medication', 'Evening video sessions after work hours'],
    personalGoals: ['Sleep through the night', 'Start looking for work again'],
    supportNetwork: [{ name: 'Lucia Ortega', relationship: 'sister', phone: '+34 612 345 678', email: null, isCaregiver: false }],
    allergies: [],
    conditions: [{ name: 'Moderate depressive episode', code: 'F32.1', since: '2026' }],
    medications: [],
  });
  await team(miguel.id, [
    [amara, 'primary physician'],
    [noor, 'psychotherapist'],
  ]);
  const mood = await plan(
    noor,
    miguel.id,
    'Depression treatment: CBT first',
    CarePlanCategory.MENTAL_HEALTH,
    '12 sessions of CBT; medication reconsidered at week 6 if PHQ-9 has not improved.',
    ['Thoughts of self-harm', 'Not leaving home for several days', 'Stopping eating'],
  );
  await goal(noor, mood, 'Reduce depressive symptoms', 'PHQ-9 below 10', 84, GoalStatus.ACTIVE);
  await goal(noor, mood, 'Regular sleep routine', 'In bed by 23:00 five nights a week', 30, GoalStatus.ACTIVE);
  await task(noor, mood, 'CBT session 4: behavioural activation', TaskKind.THERAPY_SESSION, TaskPriority.ROUTINE, noor, 3, [ACCEPTED]);
  await task(noor, mood, 'PHQ-9 reassessment', TaskKind.ASSESSMENT, TaskPriority.ROUTINE, amara, 14);
  await task(noor, mood, 'Sleep hygiene education', TaskKind.EDUCATION, TaskPriority.ROUTINE, noor, -2, [ACCEPTED, IN_PROGRESS, COMPLETED]);
  await rule(noor, mood, {
    measure: PHQ9,
    comparison: RuleComparison.ABOVE,
    threshold: 0,
    item: 9,
    severity: CRITICAL,
    instruction: 'Assess suicide risk today (call the patient); follow the crisis protocol.',
    assignRole: 'psychotherapist',
  });
  await rule(noor, mood, {
    measure: PHQ9,
    comparison: RuleComparison.AT_LEAST,
    threshold: 20,
    severity: HIGH,
    instruction: 'Severe depression: review within a week and reconsider medication.',
    assignRole: 'primary physician',
  });
  // PHQ-9 every two weeks, answered item by item: 17, 16, 13, 11, 9 (moderately severe to mild); item 9 always 0.
  const phq9 = [
    [2, 3, 3, 2, 2, 2, 2, 1, 0],
    [2, 2, 3, 2, 2, 2, 2, 1, 0],
    [2, 2, 2, 2, 1, 2, 1, 1, 0],
    [2, 1, 2, 1, 1, 2, 1, 1, 0],
    [1, 1, 2, 1, 1, 1, 1, 1, 0],
  ];
  const sleep = [5, 5.5, 6, 6.5, 7];
  for (const [i, answers] of phq9.entries()) {
    await checkIn(noor, miguel.id, ago(14 * (phq9.length - 1 - i), 20), CheckInSource.PATIENT, [
      { measure: PHQ9, answers },
      { measure: SLEEP, value: sleep[i] },
    ]);
  }

  // 3. Heart-failure follow-up.
  const helen = await patients.create(admin(), {
    organizationId: org.id,
    mrn: 'RCH-099410',
    name: 'Helen Achterberg',
    birthDate: new Date('1955-07-21'),
    preferredLanguage: 'en',
    history: 'Heart failure with reduced ejection fraction (EF 35 %), admitted twice last year for decompensation.',
    preferences: ['Wants to keep gardening', 'Prefers phone calls to video'],
    personalGoals: ['No hospital stay this winter'],
    supportNetwork: [
      { name: 'Peter Achterberg', relationship: 'husband', phone: '+31 6 1234 5678', email: 'peter@example.org', isCaregiver: true },
    ],
    allergies: [{ substance: 'ACE inhibitors', reaction: 'Persistent dry cough', criticality: AllergyCriticality.LOW }],
    conditions: [
      { name: 'Heart failure with reduced ejection fraction', code: 'I50.2', since: '2022' },
      { name: 'Type 2 diabetes', code: 'E11', since: '2012' },
    ],
    medications: [
      { name: 'Sacubitril/valsartan', dose: '49/51 mg', frequency: 'twice daily' },
      { name: 'Bisoprolol', dose: '5 mg', frequency: 'once daily' },
      { name: 'Furosemide', dose: '40 mg', frequency: 'each morning' },
    ],
  });
  await team(helen.id, [
    [amara, 'primary physician'],
    [lukas, 'cardiologist'],
    [daniel, 'heart-failure nurse'],
    [grace, 'home nurse'],
  ]);
  const heart = await plan(
    lukas,
    helen.id,
    'Heart-failure follow-up',
    CarePlanCategory.CHRONIC_CONDITION,
    'Titrate guideline therapy, daily weights, nurse telephone follow-up.',
    ['Weight gain over 2 kg in 3 days', 'Breathless lying flat', 'Swollen ankles'],
  );
  await goal(lukas, heart, 'Stable weight', 'Daily weight within ±1 kg of dry weight (68 kg)', 60, GoalStatus.ACTIVE);
  await goal(lukas, heart, 'Reach target beta-blocker dose', 'Bisoprolol 10 mg daily', 90, GoalStatus.PROPOSED);
  await task(lukas, heart, 'Telephone follow-up: weights and symptoms', TaskKind.TELECONSULT, TaskPriority.ROUTINE, daniel, 1, [
    ACCEPTED,
    IN_PROGRESS,
  ]);
  await task(lukas, heart, 'Kidney function and potassium', TaskKind.ASSESSMENT, TaskPriority.URGENT, amara, 2, [ACCEPTED]);
  await task(lukas, heart, 'Echocardiogram review', TaskKind.FOLLOW_UP, TaskPriority.ROUTINE, lukas, 30);
  await task(daniel, heart, 'Home visit: check ankle oedema', TaskKind.HOME_VISIT, TaskPriority.ASAP, grace, 0, [
    ACCEPTED,
    IN_PROGRESS,
    ON_HOLD,
  ]);
  await rule(lukas, heart, {
    measure: WEIGHT,
    comparison: RuleComparison.RISES_BY_MORE_THAN,
    threshold: 2,
    withinDays: 3,
    severity: HIGH,
    instruction: 'Call the patient today: breathlessness, ankles; consider an extra furosemide dose per the plan.',
    assignRole: 'heart-failure nurse',
  });
  await rule(lukas, heart, {
    measure: SPO2,
    comparison: RuleComparison.BELOW,
    threshold: 92,
    severity: HIGH,
    instruction: 'Same-day review: check for fluid overload or infection.',
    assignRole: 'heart-failure nurse',
  });
  // Three weeks of morning weights from the home scale (dry weight 68 kg), then 2.5 kg in 3 days: the rule raises an alert
  // (OPEN, with its task for the heart-failure nurse). Oxygen saturation and pulse every few days.
  const weights = [
    68.2, 68.4, 68.1, 67.9, 68.3, 68.5, 68.2, 68.0, 68.4, 68.6, 68.3, 68.1, 68.2, 68.5, 68.3, 68.2, 68.4, 68.4, 68.6, 69.5, 70.9,
  ];
  for (const [i, weight] of weights.entries()) {
    const day = weights.length - 1 - i;
    const values: Value[] = [{ measure: WEIGHT, value: weight }];
    if (day % 3 === 0) values.push({ measure: SPO2, value: day === 0 ? 94 : 96 }, { measure: HEART_RATE, value: day === 0 ? 84 : 68 });
    await checkIn(
      daniel,
      helen.id,
      ago(day, 1),
      CheckInSource.DEVICE,
      values,
      day === 0 ? 'Ankles more swollen since yesterday.' : undefined,
    );
  }

  // The clinic's plan templates (hip replacement, depression with CBT, heart failure), for `createCarePlanFromTemplate`.
  await loadDemoTemplates(admin(), org.id);

  // Ruth lets her son Erik follow her plan, report her check-ins and write to the team.
  const ruthViewer: Viewer = { sub: ruth.id, kind: 'PATIENT', providerId: null, patientId: ruth.id, isAdmin: false };
  await caregiverConsents.grant(contexts.create(ruthViewer, 'demo'), {
    patientId: ruth.id,
    contactId: ruth.supportNetwork[0].id,
    scopes: [ConsentScope.VIEW_PLAN, ConsentScope.REPORT_CHECK_INS, ConsentScope.MESSAGE_TEAM],
  });

  return { provider: amara, ...(await patientSide(orm)) };
}

export interface DemoPrincipals {
  provider: Provider;
  /** The demo patient, for a patient token. */
  patient?: { id: string; name: string };
  /** A caregiver with the demo patient's consent (their support contact id is the token subject). */
  caregiver?: { contactId: string; name: string; relationship: string };
}

/** The demo patient (Ruth Lindqvist) and the caregiver she consented to, as stored. */
async function patientSide(orm: Orm): Promise<Omit<DemoPrincipals, 'provider'>> {
  const em = orm.em.fork();
  const ruth = await em.findOne(Patient, { mrn: DEMO_PATIENT_MRN });
  if (!ruth) return {};
  const consent = await em.findOne(CaregiverConsent, { patient: ruth.id, revokedAt: null }, { orderBy: { grantedAt: 'asc' } });
  const contact = consent && ruth.supportNetwork.find((c) => c.id === consent.contactId);
  return {
    patient: { id: ruth.id, name: ruth.name },
    ...(contact ? { caregiver: { contactId: contact.id, name: contact.name, relationship: contact.relationship } } : {}),
  };
}
