import { CarePlanCategory, CarePlanStatus, carePlans, type CarePlan } from '../modules/care-plans';
import { careTeam } from '../modules/care-team';
import { goals, GoalStatus } from '../modules/goals';
import { Organization, organizations } from '../modules/organizations';
import { AllergyCriticality, patients } from '../modules/patients';
import { Discipline, Provider, providers } from '../modules/providers';
import { TaskKind, TaskPriority, TaskStatus, tasks, type Task } from '../modules/tasks';
import { createContexts } from './contexts';
import type { Orm } from './orm';

export const DEMO_PROVIDER_EMAIL = 'amara.okafor@riverside.example';

const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const date = (n: number) => new Date(days(n).toISOString().slice(0, 10));

/**
 * Loads the demo clinic into an empty database, through the same services as
 * the API (so it has events and audit records like real data). Returns the
 * provider whose token start-up prints.
 */
export async function loadDemoData(orm: Orm): Promise<{ provider: Provider }> {
  const existing = await orm.em.fork().findOne(Provider, { email: DEMO_PROVIDER_EMAIL });
  if (existing) return { provider: existing };
  if (await orm.em.fork().count(Organization)) {
    const first = await orm.em.fork().findOne(Provider, {}, { orderBy: { id: 'asc' } });
    if (first) return { provider: first };
  }

  const contexts = createContexts(orm);
  const admin = () => contexts.create({ sub: 'demo-loader', providerId: null, isAdmin: true }, 'demo');
  const as = (p: Provider) => contexts.create({ sub: p.id, providerId: p.id, isAdmin: false }, 'demo');

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
  const { ACCEPTED, IN_PROGRESS, COMPLETED, ON_HOLD } = TaskStatus;

  // 1. Home recovery after hip replacement.
  const ruth = await patients.create(admin(), {
    organizationId: org.id,
    mrn: 'RCH-100231',
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

  return { provider: amara };
}
