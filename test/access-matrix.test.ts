import { parse, type GraphQLObjectType } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import { buildHubSchema } from '../src/app/schema';
import { encodeCareCursor } from '../src/events/care-cursor';
import { CarePlanCategory, type CarePlan } from '../src/modules/care-plans';
import type { Goal } from '../src/modules/goals';
import type { Patient } from '../src/modules/patients';
import { planTemplates } from '../src/modules/plan-templates';
import type { Provider } from '../src/modules/providers';
import { TaskKind, type Task } from '../src/modules/tasks';
import { signToken } from '../src/auth/tokens';
import { startTestHub, TEST_SECRET, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { codes, post, unique, type RawResult } from './support/raw';
import { subscribe, wsClient } from './support/ws';

/**
 * The access matrix (issue 4): every Query, Mutation and Subscription field of
 * the schema the hub serves, run by every kind of caller against a fresh
 * fixture, with the outcome docs/contract.md ("Who may do what") and src/auth/access.ts
 * prescribe. A schema operation missing from OPERATIONS fails the first test.
 */

let hub: TestHub;
let w: World;
let elsewhere: World; // another organization
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  elsewhere = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

const VIEWERS = ['member', 'owner', 'ended', 'outsider', 'admin', 'anonymous', 'patient', 'caregiver'] as const;
type ViewerName = (typeof VIEWERS)[number];
/**
 * A seventh viewer, asked only where a case says (`Case.coordinator`): an
 * active member whose role is COORDINATOR and who owns no plan. Elsewhere a
 * coordinator is a member like any other.
 */
const COORDINATOR = 'coordinator' as const;
type MatrixViewer = ViewerName | typeof COORDINATOR;
const VIEWER_LABEL: Record<MatrixViewer, string> = {
  member: 'an active team member who does not own the plan',
  owner: 'the plan owner',
  ended: 'a provider whose membership has ended',
  outsider: 'a provider of another organization',
  admin: 'an ADMIN operator who is no provider',
  anonymous: 'a caller without a token',
  patient: 'the patient themself (a patient token)',
  caregiver: "a caregiver holding every consent scope (a caregiver token for the patient's support contact)",
  coordinator: 'a COORDINATOR of the team who does not own the plan',
};

/**
 * OK — the data (checked by `seen`);
 * HIDDEN — no error, but nothing of the patient (null, or left out of a list; a subscription that delivers nothing);
 * NOT_FOUND / FORBIDDEN / UNAUTHENTICATED — that error code and nothing of the patient
 * (UNAUTHENTICATED over WebSocket: the handshake is refused with 4403).
 */
type Outcome = 'OK' | 'HIDDEN' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED';
/** Outcomes in the order of VIEWERS: member, owner, ended, outsider, admin, anonymous, patient, caregiver. */
type Row = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

interface Fixture {
  owner: Provider;
  member: Provider;
  ended: Provider;
  outsider: Provider;
  /** A provider of the patient's organization who is not on the team. */
  candidate: Provider;
  patient: Patient;
  plan: CarePlan;
  goal: Goal;
  task: Task;
  noteId: string;
  noteText: string;
  /** A note in the plan's thread, by the owner. */
  planNoteId: string;
  planNoteText: string;
  /** A provider of the patient's organization on its team as COORDINATOR: only in the fixtures of the seventh viewer. */
  coordinator: Provider | null;
  checkInId: string;
  ruleId: string;
  expectationId: string;
  alertId: string;
  eventId: string;
  /** A plan template of the patient's organization (its tasks go to the role "home nurse"). */
  templateId: string;
  templateTitle: string;
  memberMembershipId: string;
  endedMembershipId: string;
  /** The first occurrence of a weekly home visit (an appointment of the member's), and its series. */
  appointmentId: string;
  seriesId: string;
  versions: { patient: number; plan: number; task: number; appointment: number; series: number };
  /** The id of the one item on each list of the record. */
  items: Record<'allergies' | 'conditions' | 'medications' | 'supportNetwork', string>;
  tokens: Record<MatrixViewer, string | null>;
  ids: Record<MatrixViewer, string | null>;
}

interface Case {
  /** Which variant of the operation, when it has several. */
  name?: string;
  query: (f: Fixture) => string;
  variables?: (f: Fixture, viewer: MatrixViewer) => Record<string, unknown>;
  /** Did the caller get the fixture's data? (true for OK, false for everything else) */
  seen: (data: Record<string, any> | null | undefined, f: Fixture, viewer: MatrixViewer) => boolean;
  expect: Row;
  /** What the COORDINATOR viewer gets, where the case asks them (where their role matters). */
  coordinator?: Outcome;
  /** Mutations: what the change would alter (default: every row of the fixture's patient). */
  probe?: (f: Fixture) => Promise<unknown>;
  /** Subscriptions: the change made (by the owner) once subscribed. */
  trigger?: (f: Fixture) => Promise<void>;
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

const lastSequence = async (patientId: string) =>
  Number((await sql<{ n: number }>('select last_event_sequence as n from patient where id = ?', [patientId]))[0].n);

/** Every row that belongs to the patient's record, as stored. */
async function patientRows(f: Fixture) {
  const of = (table: string, key = 'patient_id') => sql(`select * from "${table}" where ${key} = ? order by id`, [f.patient.id]);
  return {
    patient: await of('patient', 'id'),
    careTeam: await of('care_team_member'),
    plans: await of('care_plan'),
    goals: await of('goal'),
    tasks: await of('task'),
    notes: await of('task_note'),
    planNotes: await of('care_plan_note'),
    checkIns: await of('check_in'),
    observations: await of('observation'),
    rules: await of('warning_sign_rule'),
    alerts: await of('alert'),
    expectations: await of('check_in_expectation'),
    series: await of('task_series'),
    consents: await of('caregiver_consent'),
    messages: await of('patient_message'),
    jobs: await sql(
      `select key, run_at from graphile_worker.jobs where key in (select 'missed-check-in:' || id from check_in_expectation where patient_id = ?
         union select 'task-series:' || id from task_series where patient_id = ?) order by key`,
      [f.patient.id, f.patient.id],
    ),
    events: await of('event'),
    writesAudited: await sql("select count(*)::int as n from audit_record where patient_id = ? and kind = 'WRITE'", [f.patient.id]),
  };
}

const edgesOf = (connection: { edges?: { node: { id: string } }[] } | null | undefined) => (connection?.edges ?? []).map((e) => e.node.id);

// Selections that, when shown, contain the fixture's clinical content.
const CLINICAL_PATIENT = 'id name mrn allergies { substance } preferences carePlans { id title } activeCarePlan { id }';

const MUTATION_ERRORS_ONLY: Row = ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'];

/** The twelve list-item mutations (addAllergy … removeSupportContact): the access of updatePatient. */
function listItemCases(): Record<string, Case[]> {
  const lists = [
    ['Allergy', 'allergies', { substance: 'Latex', criticality: 'LOW' }],
    ['Condition', 'conditions', { name: 'Type 2 diabetes' }],
    ['Medication', 'medications', { name: 'Furosemide', dose: '40 mg' }],
    ['SupportContact', 'supportNetwork', { name: 'Ben Ruiz', relationship: 'son' }],
  ] as const;
  const expect: Row = ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'];
  return Object.fromEntries(
    lists.flatMap(([type, list, values]) =>
      (['add', 'update', 'remove'] as const).map((verb) => {
        const op = `${verb}${type}`;
        const inputType = verb === 'remove' ? 'RemovePatientListItemInput' : `${verb === 'add' ? 'Add' : 'Update'}${type}Input`;
        const c: Case = {
          query: () => `mutation Access_${op}($input: ${inputType}!) { ${op}(input: $input) { id version } }`,
          variables: (f) => ({
            input: {
              patientId: f.patient.id,
              expectedVersion: f.versions.patient,
              ...(verb === 'add' ? {} : { itemId: f.items[list] }),
              ...(verb === 'remove' ? {} : values),
            },
          }),
          seen: (d, f) => d?.[op]?.id === f.patient.id && d[op].version === f.versions.patient + 1,
          expect,
        };
        return [`Mutation.${op}`, [c]];
      }),
    ),
  );
}

/** The table: schema operation → how to call it and what each viewer must get. */
const OPERATIONS: Record<string, Case[]> = {
  ...listItemCases(),
  'Mutation.grantCaregiverConsent': [
    {
      query: () =>
        'mutation AccessGrantConsent($input: GrantCaregiverConsentInput!) { grantCaregiverConsent(input: $input) { id contactId scopes } }',
      variables: (f, viewer) => ({
        input: {
          patientId: f.patient.id,
          contactId: f.items.supportNetwork,
          scopes: ['VIEW_PLAN'],
          ...(viewer === 'admin' ? { reason: 'Asked by phone' } : {}),
        },
      }),
      seen: (d, f) => d?.grantCaregiverConsent?.contactId === f.items.supportNetwork && d.grantCaregiverConsent.scopes.length === 1,
      expect: ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'OK', 'NOT_FOUND'],
    },
  ],
  'Mutation.revokeCaregiverConsent': [
    {
      query: () =>
        'mutation AccessRevokeConsent($input: RevokeCaregiverConsentInput!) { revokeCaregiverConsent(input: $input) { id revokedAt } }',
      variables: (f, viewer) => ({
        input: { patientId: f.patient.id, contactId: f.items.supportNetwork, ...(viewer === 'admin' ? { reason: 'Asked by phone' } : {}) },
      }),
      seen: (d) => !!d?.revokeCaregiverConsent?.revokedAt,
      expect: ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'OK', 'NOT_FOUND'],
    },
  ],
  // ───────────────────────────── Query ─────────────────────────────
  'Query._entities': [
    {
      name: 'a Patient representation, administrative fields',
      query: () => 'query AccessEntitiesPatient($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id name mrn } } }',
      variables: (f) => ({ r: [{ __typename: 'Patient', id: f.patient.id }] }),
      seen: (d, f) => d?._entities?.[0]?.id === f.patient.id,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Patient representation, clinical fields',
      query: () =>
        `query AccessEntitiesPatientClinical($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { ${CLINICAL_PATIENT} } } }`,
      variables: (f) => ({ r: [{ __typename: 'Patient', id: f.patient.id }] }),
      seen: (d, f) => d?._entities?.[0]?.allergies?.[0]?.substance === 'Penicillin' && d?._entities?.[0]?.carePlans?.[0]?.id === f.plan.id,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CarePlan representation',
      query: () =>
        'query AccessEntitiesPlan($r: [_Any!]!) { _entities(representations: $r) { ... on CarePlan { id title patient { name } } } }',
      variables: (f) => ({ r: [{ __typename: 'CarePlan', id: f.plan.id }] }),
      seen: (d, f) => d?._entities?.[0]?.title === f.plan.title,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Task representation',
      query: () =>
        'query AccessEntitiesTask($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id title patient { name } } } }',
      variables: (f) => ({ r: [{ __typename: 'Task', id: f.task.id }] }),
      seen: (d, f) => d?._entities?.[0]?.title === f.task.title,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
  ],
  'Query._service': [
    {
      query: () => 'query AccessService { _service { sdl } }',
      seen: (d) => typeof d?._service?.sdl === 'string' && d._service.sdl.includes('type Patient'),
      expect: ['OK', 'OK', 'OK', 'OK', 'OK', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Query.auditTrail': [
    {
      query: () =>
        'query AccessAuditTrail($id: ID!) { auditTrail(patientId: $id, first: 5) { totalCount edges { node { patientId actorSub kind } } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => (d?.auditTrail?.totalCount ?? 0) > 0 && d?.auditTrail.edges[0].node.patientId === f.patient.id,
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.careEventsCursor': [
    {
      query: () => 'query AccessCareEventsCursor { careEventsCursor }',
      // The cursor is opaque to clients; it names the panel's patients by their ids' bytes.
      seen: (d, f) => typeof d?.careEventsCursor === 'string' && carries(d.careEventsCursor, f.patient.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.planTemplate': [
    {
      name: "a template of the patient's organization (not patient data)",
      query: () => 'query AccessPlanTemplate($id: ID!) { planTemplate(id: $id) { id title tasks { title } } }',
      variables: (f) => ({ id: f.templateId }),
      seen: (d, f) => d?.planTemplate?.id === f.templateId,
      expect: ['OK', 'OK', 'OK', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Query.planTemplates': [
    {
      name: "the templates of the patient's organization",
      query: () =>
        'query AccessPlanTemplates($org: ID, $search: String) { planTemplates(organizationId: $org, search: $search) { totalCount edges { node { id title } } } }',
      variables: (f) => ({ org: f.patient.organization.id, search: f.templateTitle }),
      seen: (d, f) => edgesOf(d?.planTemplates).includes(f.templateId),
      expect: ['OK', 'OK', 'OK', 'FORBIDDEN', 'OK', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.carePlan': [
    {
      query: () => 'query AccessCarePlan($id: ID!) { carePlan(id: $id) { id title patient { name } goals { description } } }',
      variables: (f) => ({ id: f.plan.id }),
      seen: (d, f) => d?.carePlan?.title === f.plan.title && d.carePlan.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Query.myRecord': [
    {
      query: () =>
        'query AccessMyRecord { myRecord { patientId name preferences activePlan { title goals { description } upcoming { title } } caregivers { contactId } } }',
      seen: (d, f) => d?.myRecord?.patientId === f.patient.id && d.myRecord.activePlan?.title === f.plan.title,
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Query.me': [
    {
      name: 'the caller',
      query: () => 'query AccessMe { me { id name } }',
      seen: (d, f, viewer) => d?.me?.id === f.ids[viewer],
      expect: ['OK', 'OK', 'OK', 'OK', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
    {
      name: 'Provider.patients of the caller',
      query: () => 'query AccessMePatients { me { id patients { totalCount edges { node { id name } } } } }',
      seen: (d, f) => edgesOf(d?.me?.patients).includes(f.patient.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Query.measures': [
    {
      name: 'the measure catalogue (not patient data)',
      query: () => 'query AccessMeasures { measures { code unit } }',
      seen: (d) => Boolean(d?.measures?.some((m: { code: string }) => m.code === '29463-7')),
      expect: ['OK', 'OK', 'OK', 'OK', 'OK', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Query.myAlerts': [
    {
      query: () => 'query AccessMyAlerts { myAlerts { totalCount edges { node { id summary patient { name } } } } }',
      seen: (d, f) => edgesOf(d?.myAlerts).includes(f.alertId),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.myTasks': [
    {
      query: () => 'query AccessMyTasks { myTasks { totalCount edges { node { id title patient { name } } } } }',
      seen: (d, f) => edgesOf(d?.myTasks).includes(f.task.id),
      // The fixture task is assigned to the member: the owner has none of their own.
      expect: ['OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.schedule': [
    {
      query: () =>
        'query AccessSchedule($from: DateTime!, $to: DateTime!) { schedule(from: $from, to: $to) { id startAt location patient { name } } }',
      variables: () => ({ from: new Date().toISOString(), to: new Date(Date.now() + 30 * 86_400_000).toISOString() }),
      seen: (d, f) => (d?.schedule ?? []).some((t: { id: string }) => t.id === f.appointmentId),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.teamTasks': [
    {
      name: "the worklist of the caller's patients",
      query: () => 'query AccessTeamTasks { teamTasks { totalCount edges { node { id title patient { name } } } } }',
      seen: (d, f) => edgesOf(d?.teamTasks).includes(f.task.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
    {
      name: 'asked for by patient id',
      query: () =>
        'query AccessTeamTasksOf($ids: [ID!]) { teamTasks(filter: { patientIds: $ids }) { totalCount edges { node { id title } } } }',
      variables: (f) => ({ ids: [f.patient.id] }),
      seen: (d, f) => edgesOf(d?.teamTasks).includes(f.task.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Query.node': [
    {
      name: 'a Patient',
      query: () => 'query AccessNodePatient($id: ID!) { node(id: $id) { id ... on Patient { name mrn } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => d?.node?.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Patient, clinical fields',
      query: () => `query AccessNodePatientClinical($id: ID!) { node(id: $id) { id ... on Patient { ${CLINICAL_PATIENT} } } }`,
      variables: (f) => ({ id: f.patient.id }),
      seen: (d) => d?.node?.allergies?.[0]?.substance === 'Penicillin',
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CarePlan (and CarePlan.patient)',
      query: () => 'query AccessNodePlan($id: ID!) { node(id: $id) { id ... on CarePlan { title patient { name } } } }',
      variables: (f) => ({ id: f.plan.id }),
      seen: (d, f) => d?.node?.title === f.plan.title && d.node.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Goal',
      query: () => 'query AccessNodeGoal($id: ID!) { node(id: $id) { id ... on Goal { description carePlan { patient { name } } } } }',
      variables: (f) => ({ id: f.goal.id }),
      seen: (d, f) => d?.node?.description === f.goal.description,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: "a PlanTemplate (an organization's, not patient data)",
      query: () => 'query AccessNodeTemplate($id: ID!) { node(id: $id) { id ... on PlanTemplate { title } } }',
      variables: (f) => ({ id: f.templateId }),
      seen: (d, f) => d?.node?.id === f.templateId,
      expect: ['OK', 'OK', 'OK', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CheckIn (and its observations)',
      query: () => 'query AccessNodeCheckIn($id: ID!) { node(id: $id) { id ... on CheckIn { observations { value } } } }',
      variables: (f) => ({ id: f.checkInId }),
      seen: (d) => d?.node?.observations?.[0]?.value === 82.4,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'an Alert (and its task)',
      query: () => 'query AccessNodeAlert($id: ID!) { node(id: $id) { id ... on Alert { summary task { id } } } }',
      variables: (f) => ({ id: f.alertId }),
      seen: (d, f) => d?.node?.id === f.alertId && Boolean(d.node.task?.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CheckInExpectation',
      query: () => 'query AccessNodeExpectation($id: ID!) { node(id: $id) { id ... on CheckInExpectation { everyDays nextDueAt } } }',
      variables: (f) => ({ id: f.expectationId }),
      seen: (d, f) => d?.node?.id === f.expectationId,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a WarningSignRule',
      query: () => 'query AccessNodeRule($id: ID!) { node(id: $id) { id ... on WarningSignRule { description } } }',
      variables: (f) => ({ id: f.ruleId }),
      seen: (d, f) => d?.node?.id === f.ruleId,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Task (and Task.patient)',
      query: () => 'query AccessNodeTask($id: ID!) { node(id: $id) { id ... on Task { title patient { name } } } }',
      variables: (f) => ({ id: f.task.id }),
      seen: (d, f) => d?.node?.title === f.task.title && d.node.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a TaskSeries (and TaskSeries.tasks)',
      query: () =>
        'query AccessNodeSeries($id: ID!) { node(id: $id) { id ... on TaskSeries { title rule tasks { edges { node { id } } } } } }',
      variables: (f) => ({ id: f.seriesId }),
      seen: (d, f) => d?.node?.title === 'Weekly home visit' && edgesOf(d.node.tasks).includes(f.appointmentId),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a TaskNote the ended member wrote while on the team',
      query: () => 'query AccessNodeNote($id: ID!) { node(id: $id) { id ... on TaskNote { text task { title patient { name } } } } }',
      variables: (f) => ({ id: f.noteId }),
      seen: (d, f) => d?.node?.text === f.noteText,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'an Event (and Event.patient)',
      query: () => 'query AccessNodeEvent($id: ID!) { node(id: $id) { id ... on Event { summary patient { name } } } }',
      variables: (f) => ({ id: f.eventId }),
      seen: (d, f) => d?.node?.id === f.eventId && d.node.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CareTeamMember',
      query: () => 'query AccessNodeMember($id: ID!) { node(id: $id) { id ... on CareTeamMember { role patient { name mrn } } } }',
      variables: (f) => ({ id: f.memberMembershipId }),
      seen: (d, f) => d?.node?.patient?.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a CarePlanNote',
      query: () => 'query AccessNodePlanNote($id: ID!) { node(id: $id) { id ... on CarePlanNote { body carePlan { title } } } }',
      variables: (f) => ({ id: f.planNoteId }),
      seen: (d, f) => d?.node?.body === f.planNoteText,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'a Provider, and Provider.patients',
      query: () =>
        'query AccessNodeProvider($id: ID!) { node(id: $id) { id ... on Provider { name patients { totalCount edges { node { id name } } } } } }',
      variables: (f) => ({ id: f.owner.id }),
      seen: (d, f) => edgesOf(d?.node?.patients).includes(f.patient.id),
      // The directory entry itself is public; the patients only for those who may see them.
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
    {
      name: 'an Organization',
      query: () => 'query AccessNodeOrg($id: ID!) { node(id: $id) { id ... on Organization { name } } }',
      variables: (f) => ({ id: f.patient.organization.id }),
      seen: (d, f) => d?.node?.id === f.patient.organization.id,
      expect: ['OK', 'OK', 'OK', 'OK', 'OK', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Query.patient': [
    {
      name: 'the administrative record (name, MRN, team)',
      query: () => 'query AccessPatientRecord($id: ID!) { patient(id: $id) { id name mrn birthDate careTeam { role provider { id } } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => d?.patient?.mrn === f.patient.mrn && d.patient.careTeam.length === 2,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
    {
      name: 'clinical content',
      query: () => `query AccessPatientClinical($id: ID!) { patient(id: $id) { ${CLINICAL_PATIENT} } }`,
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => d?.patient?.allergies?.[0]?.substance === 'Penicillin' && d.patient.activeCarePlan?.id === f.plan.id,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
    {
      name: 'the monitoring record (check-ins, observations, trend)',
      query: () =>
        `query AccessPatientMonitoring($id: ID!) { patient(id: $id) { id checkIns { edges { node { id } } }
          observations(measure: "29463-7") { totalCount } trend(measure: "29463-7") { latest { value } } } }`,
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => edgesOf(d?.patient?.checkIns).includes(f.checkInId) && d?.patient?.trend?.latest?.value === 82.4,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
    {
      name: "the patient's alerts and the plan's warning-sign rules",
      query: () =>
        'query AccessPatientAlerts($id: ID!) { patient(id: $id) { id alerts { edges { node { id } } } activeCarePlan { warningSignRules { id } } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => edgesOf(d?.patient?.alerts).includes(f.alertId) && d?.patient?.activeCarePlan?.warningSignRules?.[0]?.id === f.ruleId,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
    {
      name: 'clinical content reached through CareTeamMember.patient',
      query: () => 'query AccessPatientNested($id: ID!) { patient(id: $id) { id careTeam { patient { id allergies { substance } } } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d) => d?.patient?.careTeam?.[0]?.patient?.allergies?.[0]?.substance === 'Penicillin',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Query.patientEvents': [
    {
      query: () =>
        'query AccessPatientEvents($id: ID!) { patientEvents(patientId: $id, first: 100) { totalCount edges { node { id summary patient { name } } } } }',
      variables: (f) => ({ id: f.patient.id }),
      seen: (d, f) => edgesOf(d?.patientEvents).includes(f.eventId),
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Query.patients': [
    {
      query: () => 'query AccessPatients($search: String) { patients(search: $search) { totalCount edges { node { id name } } } }',
      variables: (f) => ({ search: f.patient.mrn }),
      seen: (d, f) => edgesOf(d?.patients).includes(f.patient.id),
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'OK', 'UNAUTHENTICATED', 'HIDDEN', 'HIDDEN'],
    },
  ],

  // ───────────────────────────── Mutation ─────────────────────────────
  'Mutation.acknowledgeAlert': [
    {
      query: () => 'mutation AccessAckAlert($input: AcknowledgeAlertInput!) { acknowledgeAlert(input: $input) { id status } }',
      variables: (f) => ({ input: { id: f.alertId, note: 'Calling' } }),
      seen: (d) => d?.acknowledgeAlert?.status === 'ACKNOWLEDGED',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.addCareTeamMember': [
    {
      query: () => 'mutation AccessAddMember($input: AddCareTeamMemberInput!) { addCareTeamMember(input: $input) { id active } }',
      variables: (f) => ({ input: { patientId: f.patient.id, providerId: f.candidate.id, role: 'dietitian' } }),
      seen: (d) => d?.addCareTeamMember?.active === true,
      // ADMIN, the owner of the patient's ACTIVE plan and a COORDINATOR of its team manage the team.
      expect: ['FORBIDDEN', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'OK', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
      coordinator: 'OK',
    },
  ],
  'Mutation.addCarePlanNote': [
    {
      query: () => 'mutation AccessAddPlanNote($input: AddCarePlanNoteInput!) { addCarePlanNote(input: $input) { id body } }',
      variables: (f) => ({ input: { carePlanId: f.plan.id, body: 'Family meeting on Monday', mentions: [f.owner.id] } }),
      seen: (d) => d?.addCarePlanNote?.body === 'Family meeting on Monday',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
      coordinator: 'OK',
    },
  ],
  'Mutation.addGoal': [
    {
      query: () => 'mutation AccessAddGoal($input: AddGoalInput!) { addGoal(input: $input) { id description } }',
      variables: (f) => ({ input: { carePlanId: f.plan.id, description: 'Walks 500 m', target: '500 m' } }),
      seen: (d) => d?.addGoal?.description === 'Walks 500 m',
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.addWarningSignRule': [
    {
      query: () => 'mutation AccessAddRule($input: AddWarningSignRuleInput!) { addWarningSignRule(input: $input) { id description } }',
      variables: (f) => ({
        input: { carePlanId: f.plan.id, measure: '8310-5', comparison: 'ABOVE', threshold: 38, severity: 'LOW', instruction: 'Check' },
      }),
      seen: (d) => d?.addWarningSignRule?.description === 'Body temperature above 38 Cel',
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.addTaskNote': [
    {
      query: () => 'mutation AccessAddNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id text } }',
      variables: (f) => ({ input: { taskId: f.task.id, text: 'BP 120/80' } }),
      seen: (d) => d?.addTaskNote?.text === 'BP 120/80',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.archivePlanTemplate': [
    {
      query: () =>
        'mutation AccessArchiveTemplate($input: ArchivePlanTemplateInput!) { archivePlanTemplate(input: $input) { id archivedAt } }',
      variables: (f) => ({ input: { id: f.templateId, expectedVersion: 1 } }),
      seen: (d) => Boolean(d?.archivePlanTemplate?.archivedAt),
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
      coordinator: 'OK', // a COORDINATOR of one of the organization's teams manages its templates
      probe: (f) => sql('select version, archived_at from plan_template where id = ?', [f.templateId]),
    },
  ],
  'Mutation.createCarePlanFromTemplate': [
    {
      query: () =>
        'mutation AccessPlanFromTemplate($input: CreateCarePlanFromTemplateInput!) { createCarePlanFromTemplate(input: $input) { id owner { id } tasks { edges { node { assignee { id } } } } } }',
      variables: (f) => ({
        input: {
          patientId: f.patient.id,
          templateId: f.templateId,
          ownerId: f.owner.id,
          startDate: '2026-06-01',
          assign: [{ role: 'home nurse', providerId: f.member.id }],
        },
      }),
      seen: (d, f) =>
        d?.createCarePlanFromTemplate?.owner?.id === f.owner.id &&
        d.createCarePlanFromTemplate.tasks.edges[0]?.node.assignee?.id === f.member.id,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.createPlanTemplate': [
    {
      query: () => 'mutation AccessCreateTemplate($input: CreatePlanTemplateInput!) { createPlanTemplate(input: $input) { id title } }',
      variables: (f) => ({ input: { organizationId: f.patient.organization.id, title: `Template ${f.templateId}`, category: 'GENERAL' } }),
      seen: (d, f) => d?.createPlanTemplate?.title === `Template ${f.templateId}`,
      expect: MUTATION_ERRORS_ONLY,
      coordinator: 'OK',
      probe: (f) => sql('select id from plan_template where title = ?', [`Template ${f.templateId}`]),
    },
  ],
  'Mutation.updatePlanTemplate': [
    {
      query: () => 'mutation AccessUpdateTemplate($input: UpdatePlanTemplateInput!) { updatePlanTemplate(input: $input) { id title } }',
      variables: (f) => ({ input: { id: f.templateId, expectedVersion: 1, title: 'Renamed template' } }),
      seen: (d) => d?.updatePlanTemplate?.title === 'Renamed template',
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
      coordinator: 'OK', // a COORDINATOR of one of the organization's teams manages its templates
      probe: (f) => sql('select version, title from plan_template where id = ?', [f.templateId]),
    },
  ],
  'Mutation.assignTask': [
    {
      // The owner takes the member's task; the member (neither owner nor requester) may not give it away.
      query: () => 'mutation AccessAssign($input: AssignTaskInput!) { assignTask(input: $input) { id assignee { id } } }',
      variables: (f) => ({ input: { id: f.task.id, expectedVersion: f.versions.task, assigneeId: f.owner.id } }),
      seen: (d, f) => d?.assignTask?.assignee?.id === f.owner.id,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.createCarePlan': [
    {
      query: () => 'mutation AccessCreatePlan($input: CreateCarePlanInput!) { createCarePlan(input: $input) { id owner { id } } }',
      variables: (f) => ({ input: { patientId: f.patient.id, title: 'Sleep plan', category: 'MENTAL_HEALTH', ownerId: f.owner.id } }),
      seen: (d, f) => d?.createCarePlan?.owner?.id === f.owner.id,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.createMeasure': [
    {
      query: () => 'mutation AccessCreateMeasure($input: CreateMeasureInput!) { createMeasure(input: $input) { code } }',
      variables: (f) => ({
        input: { code: `m-${f.patient.id}`, name: 'Girth', unit: 'cm', valueType: 'QUANTITY', minValue: 1, maxValue: 300 },
      }),
      seen: (d, f) => d?.createMeasure?.code === `m-${f.patient.id}`,
      expect: MUTATION_ERRORS_ONLY,
      probe: (f) => sql('select code from measure where code = ?', [`m-${f.patient.id}`]),
    },
  ],
  'Mutation.createOrganization': [
    {
      query: () => 'mutation AccessCreateOrg($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }',
      variables: (f) => ({ input: { name: `Org of ${f.patient.id}` } }),
      seen: (d, f) => d?.createOrganization?.name === `Org of ${f.patient.id}`,
      expect: MUTATION_ERRORS_ONLY,
      probe: (f) => sql('select id from organization where name = ?', [`Org of ${f.patient.id}`]),
    },
  ],
  'Mutation.createPatient': [
    {
      query: () => 'mutation AccessCreatePatient($input: CreatePatientInput!) { createPatient(input: $input) { id mrn } }',
      variables: (f) => ({
        input: { organizationId: f.patient.organization.id, mrn: `NEW-${f.patient.id}`, name: 'New Patient', birthDate: '1970-01-01' },
      }),
      seen: (d, f) => d?.createPatient?.mrn === `NEW-${f.patient.id}`,
      expect: MUTATION_ERRORS_ONLY,
      probe: (f) => sql('select id from patient where mrn = ?', [`NEW-${f.patient.id}`]),
    },
  ],
  'Mutation.createProvider': [
    {
      query: () => 'mutation AccessCreateProvider($input: CreateProviderInput!) { createProvider(input: $input) { id email } }',
      variables: (f) => ({
        input: { organizationId: f.patient.organization.id, name: 'New Nurse', discipline: 'NURSE', email: `${f.patient.id}@new.example` },
      }),
      seen: (d, f) => d?.createProvider?.email === `${f.patient.id}@new.example`,
      expect: MUTATION_ERRORS_ONLY,
      probe: (f) => sql('select id from provider where email = ?', [`${f.patient.id}@new.example`]),
    },
  ],
  'Mutation.createTask': [
    {
      query: () => 'mutation AccessCreateTask($input: CreateTaskInput!) { createTask(input: $input) { id title } }',
      variables: (f) => ({ input: { carePlanId: f.plan.id, title: 'Check wound', kind: 'HOME_VISIT' } }),
      seen: (d) => d?.createTask?.title === 'Check wound',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.rescheduleAppointment': [
    {
      // The member is the appointment's assignee; the owner owns the plan.
      query: () =>
        'mutation AccessReschedule($input: RescheduleAppointmentInput!) { rescheduleAppointment(input: $input) { id location } }',
      variables: (f) => ({ input: { id: f.appointmentId, expectedVersion: f.versions.appointment, location: 'Side entrance' } }),
      seen: (d) => d?.rescheduleAppointment?.location === 'Side entrance',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.cancelTaskSeries': [
    {
      // The owner set the series up and owns the plan; the member is only its assignee.
      query: () => 'mutation AccessCancelSeries($input: CancelTaskSeriesInput!) { cancelTaskSeries(input: $input) { id status } }',
      variables: (f) => ({ input: { id: f.seriesId, expectedVersion: f.versions.series } }),
      seen: (d) => d?.cancelTaskSeries?.status === 'CANCELLED',
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.endCareTeamMembership': [
    {
      query: () => 'mutation AccessEndMember($input: EndCareTeamMembershipInput!) { endCareTeamMembership(input: $input) { id active } }',
      variables: (f) => ({ input: { membershipId: f.memberMembershipId } }),
      seen: (d) => d?.endCareTeamMembership?.active === false,
      expect: ['FORBIDDEN', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'OK', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
      coordinator: 'OK',
    },
  ],
  'Mutation.expectCheckIn': [
    {
      query: () => 'mutation AccessExpect($input: ExpectCheckInInput!) { expectCheckIn(input: $input) { id everyDays } }',
      variables: (f) => ({ input: { carePlanId: f.plan.id, measure: '44261-6', everyDays: 14 } }),
      seen: (d) => d?.expectCheckIn?.everyDays === 14,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.updateMyPreferences': [
    {
      query: () =>
        'mutation AccessUpdateMyPreferences($input: UpdateMyPreferencesInput!) { updateMyPreferences(input: $input) { preferences statedByPatientAt } }',
      variables: () => ({ input: { preferences: ['Prefers afternoon calls'] } }),
      seen: (d) => d?.updateMyPreferences?.preferences?.[0] === 'Prefers afternoon calls',
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'FORBIDDEN'],
    },
  ],
  'Mutation.respondToAppointment': [
    {
      query: () =>
        'mutation AccessRespondToAppointment($input: RespondToAppointmentInput!) { respondToAppointment(input: $input) { taskId response } }',
      variables: (f) => ({ input: { taskId: f.appointmentId, response: 'CONFIRMED' } }),
      seen: (d, f) => d?.respondToAppointment?.taskId === f.appointmentId,
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Mutation.sendMessageToCareTeam': [
    {
      query: () =>
        'mutation AccessSendMessage($input: SendMessageToCareTeamInput!) { sendMessageToCareTeam(input: $input) { id body authorKind } }',
      variables: () => ({ input: { body: 'Can I shower yet?' } }),
      seen: (d) => d?.sendMessageToCareTeam?.body === 'Can I shower yet?',
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Mutation.replyToPatient': [
    {
      query: () => 'mutation AccessReplyToPatient($input: ReplyToPatientInput!) { replyToPatient(input: $input) { id body authorKind } }',
      variables: (f) => ({ input: { carePlanId: f.plan.id, body: 'Yes, with the dressing covered' } }),
      seen: (d) => d?.replyToPatient?.body === 'Yes, with the dressing covered',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.reportCheckIn': [
    {
      query: () =>
        'mutation AccessReportCheckIn($input: ReportCheckInInput!) { reportCheckIn(input: $input) { id source observations { value } } }',
      variables: () => ({ input: { takenAt: new Date().toISOString(), values: [{ measure: '72514-3', value: 6 }] } }),
      seen: (d) => d?.reportCheckIn?.observations?.[0]?.value === 6,
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
  'Mutation.recordCheckIn': [
    {
      query: () =>
        'mutation AccessRecordCheckIn($input: RecordCheckInInput!) { recordCheckIn(input: $input) { id observations { value } } }',
      variables: (f) => ({
        input: {
          patientId: f.patient.id,
          takenAt: new Date().toISOString(),
          source: 'CLINICIAN',
          values: [{ measure: '72514-3', value: 6 }],
        },
      }),
      seen: (d) => d?.recordCheckIn?.observations?.[0]?.value === 6,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.removeWarningSignRule': [
    {
      query: () => 'mutation AccessRemoveRule($input: RemoveWarningSignRuleInput!) { removeWarningSignRule(input: $input) { id active } }',
      variables: (f) => ({ input: { id: f.ruleId } }),
      seen: (d) => d?.removeWarningSignRule?.active === false,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.resolveAlert': [
    {
      query: () => 'mutation AccessResolveAlert($input: ResolveAlertInput!) { resolveAlert(input: $input) { id status } }',
      variables: (f) => ({ input: { id: f.alertId, note: 'Diuretic increased' } }),
      seen: (d) => d?.resolveAlert?.status === 'RESOLVED',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.stopExpectingCheckIn': [
    {
      query: () => 'mutation AccessStopExpecting($input: StopExpectingCheckInInput!) { stopExpectingCheckIn(input: $input) { id active } }',
      variables: (f) => ({ input: { id: f.expectationId } }),
      seen: (d) => d?.stopExpectingCheckIn?.active === false,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.transferCarePlanOwnership': [
    {
      query: () =>
        'mutation AccessTransfer($input: TransferCarePlanOwnershipInput!) { transferCarePlanOwnership(input: $input) { id owner { id } } }',
      variables: (f) => ({ input: { id: f.plan.id, expectedVersion: f.versions.plan, newOwnerId: f.member.id } }),
      seen: (d, f) => d?.transferCarePlanOwnership?.owner?.id === f.member.id,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.transitionTask': [
    {
      // Accepting is the assignee's (the member's) move, not the owner's.
      query: () => 'mutation AccessTransition($input: TransitionTaskInput!) { transitionTask(input: $input) { id status } }',
      variables: (f) => ({ input: { id: f.task.id, expectedVersion: f.versions.task, to: 'ACCEPTED' } }),
      seen: (d) => d?.transitionTask?.status === 'ACCEPTED',
      expect: ['OK', 'FORBIDDEN', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.updateCarePlan': [
    {
      query: () => 'mutation AccessUpdatePlan($input: UpdateCarePlanInput!) { updateCarePlan(input: $input) { id title } }',
      variables: (f) => ({ input: { id: f.plan.id, expectedVersion: f.versions.plan, title: 'Renamed plan' } }),
      seen: (d) => d?.updateCarePlan?.title === 'Renamed plan',
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
      coordinator: 'FORBIDDEN', // managing the team gives no right over the plan
    },
  ],
  'Mutation.updateGoal': [
    {
      query: () => 'mutation AccessUpdateGoal($input: UpdateGoalInput!) { updateGoal(input: $input) { id status } }',
      variables: (f) => ({ input: { id: f.goal.id, status: 'ACTIVE' } }),
      seen: (d) => d?.updateGoal?.status === 'ACTIVE',
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.updatePatient': [
    {
      query: () => 'mutation AccessUpdatePatient($input: UpdatePatientInput!) { updatePatient(input: $input) { id name } }',
      variables: (f) => ({ input: { id: f.patient.id, expectedVersion: f.versions.patient, name: 'Renamed Patient' } }),
      seen: (d) => d?.updatePatient?.name === 'Renamed Patient',
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Mutation.updateWarningSignRule': [
    {
      query: () =>
        'mutation AccessUpdateRule($input: UpdateWarningSignRuleInput!) { updateWarningSignRule(input: $input) { id threshold } }',
      variables: (f) => ({ input: { id: f.ruleId, threshold: 85 } }),
      seen: (d) => d?.updateWarningSignRule?.threshold === 85,
      expect: ['FORBIDDEN', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],

  // ───────────────────────────── Subscription ─────────────────────────────
  'Subscription.myMentions': [
    {
      query: () => 'subscription AccessMyMentions { myMentions { id type note carePlanNote { body } patient { name } } }',
      trigger: (f) => planNoteAsOwner(f, 'Member, please call the daughter', [f.member.id]),
      seen: (d, f) => d?.myMentions?.note === 'Member, please call the daughter' && d.myMentions.patient.name === f.patient.name,
      // The note mentions the member: only the member hears of it.
      expect: ['OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
      coordinator: 'HIDDEN',
    },
  ],
  'Subscription.myTaskEvents': [
    {
      query: () => 'subscription AccessMyTaskEvents { myTaskEvents { id type task { id title } patient { name } } }',
      trigger: (f) => addNoteAsOwner(f, 'note for the assignee'),
      seen: (d, f) => d?.myTaskEvents?.task?.id === f.task.id && d.myTaskEvents.patient.name === f.patient.name,
      // The fixture task is the member's: only the member hears of it.
      expect: ['OK', 'HIDDEN', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Subscription.careEvents': [
    {
      name: 'live',
      query: () => 'subscription AccessCareEvents { careEvents { cursor event { id type summary task { title } patient { name } } } }',
      trigger: (f) => addNoteAsOwner(f, 'note for the panel'),
      seen: (d, f) => d?.careEvents?.event?.type === 'TASK_NOTE_ADDED' && d.careEvents.event.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
    {
      name: 'from a cursor that claims the whole history of the patient',
      query: () =>
        'subscription AccessCareEventsResumed($after: String) { careEvents(afterCursor: $after) { cursor event { id summary patient { name } } } }',
      variables: (f, viewer) => ({ after: encodeCareCursor(f.ids[viewer] ?? 'operator', new Map([[f.patient.id, 0]])) }),
      trigger: (f) => addNoteAsOwner(f, 'note for the panel'),
      // Members get what they were there for; the former member and the outsider nothing, the patient is dropped.
      seen: (d, f) => d?.careEvents?.event?.patient?.name === f.patient.name,
      expect: ['OK', 'OK', 'HIDDEN', 'HIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN'],
    },
  ],
  'Subscription.patientEvents': [
    {
      query: () =>
        'subscription AccessPatientEventsLive($id: ID!) { patientEvents(patientId: $id) { id type summary task { title } patient { name } } }',
      variables: (f) => ({ id: f.patient.id }),
      trigger: (f) => addNoteAsOwner(f, 'note for the team'),
      seen: (d, f) => d?.patientEvents?.type === 'TASK_NOTE_ADDED' && d.patientEvents.patient.name === f.patient.name,
      expect: ['OK', 'OK', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_FOUND'],
    },
  ],
  'Subscription.myEvents': [
    {
      query: () => 'subscription AccessMyEvents { myEvents { sequence type summary } }',
      // A note for the team (never sent to the patient side), then a goal (sent).
      trigger: async (f) => {
        await addNoteAsOwner(f, 'note for the team');
        await w.goal(f.plan, f.owner, 'Sleep through the night');
      },
      seen: (d) => d?.myEvents?.type === 'GOAL_ADDED' && String(d.myEvents.summary).includes('Sleep through the night'),
      expect: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'OK', 'OK'],
    },
  ],
};

/** Waits until this hub serves no subscription (those of earlier tests are closed asynchronously). */
async function noSubscriptionsLeft() {
  for (let i = 0; i < 150 && hub.subscriptions() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(hub.subscriptions()).toBe(0);
}

/** Waits until the hub serves the subscription just opened (after noSubscriptionsLeft). */
async function subscriptionRunning() {
  for (let i = 0; i < 150 && hub.subscriptions() === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(hub.subscriptions()).toBe(1);
}

/** Does a careEvents cursor name the patient (its id's 16 bytes)? */
function carries(cursor: string, patientId: string): boolean {
  return Buffer.from(cursor, 'base64url').includes(Buffer.from(patientId.slice(-32), 'hex'));
}

async function addNoteAsOwner(f: Fixture, text: string) {
  const result = await post(
    hub,
    'mutation AccessTriggerNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
    { input: { taskId: f.task.id, text } },
    f.tokens.owner,
  );
  expect(result.errors).toBeUndefined();
}

async function planNoteAsOwner(f: Fixture, body: string, mentions: string[] = []) {
  const result = await post(
    hub,
    'mutation AccessTriggerPlanNote($input: AddCarePlanNoteInput!) { addCarePlanNote(input: $input) { id } }',
    { input: { carePlanId: f.plan.id, body, mentions } },
    f.tokens.owner,
  );
  expect(result.errors).toBeUndefined();
}

/**
 * A care team (owner, member, and one who has left), an ACTIVE plan with a goal, a task assigned to the member
 * and a note in its thread. With `coordinator`, also a COORDINATOR on the team (the seventh viewer's fixture;
 * the others' teams stay as they were).
 */
async function fixture(options: { coordinator?: boolean } = {}): Promise<Fixture> {
  const [owner, member, ended, candidate] = [await w.provider(), await w.provider(), await w.provider(), await w.provider()];
  const coordinator = options.coordinator ? await w.provider() : null;
  const outsider = await elsewhere.provider();
  const patient = await w.patient([owner]);
  const memberMembership = await w.addMember(patient, member, 'home nurse');
  const endedMembership = await w.addMember(patient, ended, 'physiotherapist');
  if (coordinator) {
    const coordinating = await post(
      hub,
      'mutation AccessFixtureCoordinator($input: AddCareTeamMemberInput!) { addCareTeamMember(input: $input) { id } }',
      { input: { patientId: patient.id, providerId: coordinator.id, role: 'care coordinator', roleKind: 'COORDINATOR' } },
      await w.adminToken(),
    );
    expect(coordinating.errors).toBeUndefined();
  }
  const plan = await w.plan(patient, owner);
  const goal = await w.goal(plan, owner);
  const planNoteText = `Plan note ${unique()}`;
  const planNote = await post(
    hub,
    'mutation AccessFixturePlanNote($input: AddCarePlanNoteInput!) { addCarePlanNote(input: $input) { id } }',
    { input: { carePlanId: plan.id, body: planNoteText } },
    await w.token(owner),
  );
  expect(planNote.errors).toBeUndefined();
  const task = await w.task(plan, owner, { assignee: member });
  // The one who leaves was a full member: wrote a note, then left the team.
  const noteText = `Note ${unique()}`;
  const note = await post(
    hub,
    'mutation AccessFixtureNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
    { input: { taskId: task.id, text: noteText } },
    await w.token(ended),
  );
  expect(note.errors).toBeUndefined();
  const rule = await post(
    hub,
    'mutation AccessFixtureRule($input: AddWarningSignRuleInput!) { addWarningSignRule(input: $input) { id } }',
    {
      input: {
        carePlanId: plan.id,
        measure: '29463-7',
        comparison: 'ABOVE',
        threshold: 80,
        severity: 'HIGH',
        instruction: 'Call the patient',
        assignRole: 'home nurse',
      },
    },
    await w.token(owner),
  );
  expect(rule.errors).toBeUndefined();
  const checkIn = await post(
    hub,
    'mutation AccessFixtureCheckIn($input: RecordCheckInInput!) { recordCheckIn(input: $input) { id } }',
    {
      input: { patientId: patient.id, takenAt: new Date().toISOString(), source: 'PATIENT', values: [{ measure: '29463-7', value: 82.4 }] },
    },
    await w.token(member),
  );
  expect(checkIn.errors).toBeUndefined();
  const [alert] = await sql<{ id: string }>('select id from alert where patient_id = ?', [patient.id]);
  const expectation = await post(
    hub,
    'mutation AccessFixtureExpectation($input: ExpectCheckInInput!) { expectCheckIn(input: $input) { id } }',
    { input: { carePlanId: plan.id, measure: '29463-7', everyDays: 1 } },
    await w.token(owner),
  );
  expect(expectation.errors).toBeUndefined();
  const lists = await post(
    hub,
    'mutation AccessFixtureLists($input: UpdatePatientInput!) { updatePatient(input: $input) { allergies { id } conditions { id } medications { id } supportNetwork { id } } }',
    {
      input: {
        id: patient.id,
        expectedVersion: patient.version,
        conditions: [{ name: 'Heart failure' }],
        medications: [{ name: 'Metformin', dose: '500 mg' }],
        supportNetwork: [{ name: 'Ana Ruiz', relationship: 'daughter' }],
      },
    },
    await w.token(owner),
  );
  expect(lists.errors).toBeUndefined();
  const tomorrow = new Date(Date.now() + 86_400_000);
  const visits = await post(
    hub,
    'mutation AccessFixtureVisits($input: CreateTaskInput!) { createTask(input: $input) { id series { id } } }',
    {
      input: {
        carePlanId: plan.id,
        title: 'Weekly home visit',
        kind: 'HOME_VISIT',
        assigneeId: member.id,
        startAt: tomorrow.toISOString(),
        endAt: new Date(tomorrow.getTime() + 3_600_000).toISOString(),
        location: "Patient's home",
        recurrence: { rule: 'FREQ=WEEKLY;COUNT=2', timeZone: 'Europe/Berlin' },
      },
    },
    await w.token(owner),
  );
  expect(visits.errors).toBeUndefined();
  const appointmentId = visits.data!.createTask.id as string;
  const seriesId = visits.data!.createTask.series.id as string;
  const idOf = (list: string) => (lists.data!.updatePatient[list] as { id: string }[])[0].id;
  // The patient lets their support contact do everything a caregiver may.
  const patientToken = await signToken(TEST_SECRET, { sub: patient.id, kind: 'patient' });
  const caregiverToken = await signToken(TEST_SECRET, { sub: idOf('supportNetwork'), kind: 'caregiver' });
  const consent = await post(
    hub,
    'mutation AccessFixtureConsent($input: GrantCaregiverConsentInput!) { grantCaregiverConsent(input: $input) { id } }',
    { input: { patientId: patient.id, contactId: idOf('supportNetwork'), scopes: ['VIEW_PLAN', 'REPORT_CHECK_INS', 'MESSAGE_TEAM'] } },
    patientToken,
  );
  expect(consent.errors).toBeUndefined();
  await w.endMembership(endedMembership);
  const [event] = await sql<{ id: string }>('select id from event where patient_id = ? order by sequence desc limit 1', [patient.id]);
  const template = await planTemplates.create(w.contextOf(null), {
    organizationId: patient.organization.id,
    title: `Home recovery ${unique()}`,
    category: CarePlanCategory.HOME_RECOVERY,
    goals: [{ description: 'Walk with a cane', dueInDays: 42 }],
    tasks: [{ title: 'Wound check', kind: TaskKind.HOME_VISIT, assignRole: 'home nurse', dueInDays: 1 }],
  });
  const [versions] = await sql<Fixture['versions']>(
    `select (select version from patient where id = ?) as patient, (select version from care_plan where id = ?) as plan,
            (select version from task where id = ?) as task, (select version from task where id = ?) as appointment,
            (select version from task_series where id = ?) as series`,
    [patient.id, plan.id, task.id, appointmentId, seriesId],
  );
  const operator = `operator-${unique()}`;
  return {
    owner,
    member,
    ended,
    outsider,
    candidate,
    patient,
    plan,
    goal,
    task,
    noteId: note.data!.addTaskNote.id,
    noteText,
    planNoteId: planNote.data!.addCarePlanNote.id,
    planNoteText,
    coordinator,
    checkInId: checkIn.data!.recordCheckIn.id,
    ruleId: rule.data!.addWarningSignRule.id,
    expectationId: expectation.data!.expectCheckIn.id,
    alertId: alert.id,
    eventId: event.id,
    appointmentId,
    seriesId,
    templateId: template.id,
    templateTitle: template.title,
    memberMembershipId: memberMembership.id,
    endedMembershipId: endedMembership.id,
    versions,
    items: {
      allergies: idOf('allergies'),
      conditions: idOf('conditions'),
      medications: idOf('medications'),
      supportNetwork: idOf('supportNetwork'),
    },
    tokens: {
      member: await w.token(member),
      owner: await w.token(owner),
      ended: await w.token(ended),
      outsider: await elsewhere.token(outsider),
      admin: await hub.token(operator, ['ADMIN']),
      anonymous: null,
      patient: patientToken,
      caregiver: caregiverToken,
      coordinator: coordinator && (await w.token(coordinator)),
    },
    ids: {
      member: member.id,
      owner: owner.id,
      ended: ended.id,
      outsider: outsider.id,
      admin: null,
      anonymous: null,
      patient: null,
      caregiver: null,
      coordinator: coordinator?.id ?? null,
    },
  };
}

/** Strings that only someone allowed to see the patient may ever receive. */
function secrets(f: Fixture) {
  const administrative = [f.patient.name, f.patient.mrn];
  const clinical = ['Penicillin', 'Prefers mornings', f.plan.title, f.goal.description, f.task.title, f.noteText, f.planNoteText];
  return { administrative, clinical };
}

function assertNothingLeaks(response: unknown, f: Fixture, viewer: MatrixViewer, expected: Outcome) {
  const { administrative, clinical } = secrets(f);
  // The patient side, when served, sees its own care but never clinicians' internal notes.
  const internal = [f.noteText, f.planNoteText];
  const patientSide = (viewer === 'patient' || viewer === 'caregiver') && expected === 'OK';
  const forbiddenStrings = patientSide ? internal : viewer === 'admin' ? clinical : [...administrative, ...clinical];
  const text = JSON.stringify(response);
  expect(forbiddenStrings.filter((s) => text.includes(s))).toEqual([]);
}

const rootField = (query: string) => {
  const op = parse(query).definitions[0] as unknown as { selectionSet: { selections: { name: { value: string } }[] } };
  return op.selectionSet.selections[0].name.value;
};

async function runHttp(kind: 'Query' | 'Mutation', c: Case, viewer: MatrixViewer, expected: Outcome) {
  const f = await fixture({ coordinator: viewer === COORDINATOR });
  const query = c.query(f);
  const field = rootField(query);
  const isMutation = kind === 'Mutation';
  const before = isMutation ? { sequence: await lastSequence(f.patient.id), probe: await (c.probe ?? patientRows)(f) } : null;

  const result: RawResult = await post(hub, query, c.variables?.(f, viewer) ?? {}, f.tokens[viewer]);

  if (expected === 'OK') {
    expect({ errors: result.errors, seen: c.seen(result.data, f, viewer) }).toEqual({ errors: undefined, seen: true });
    if (before) expect(await (c.probe ?? patientRows)(f)).not.toEqual(before.probe);
    if (viewer !== 'member' && viewer !== 'owner' && viewer !== COORDINATOR) assertNothingLeaks(result, f, viewer, expected); // e.g. the directory, _service
    return;
  }
  if (expected === 'HIDDEN') {
    expect({ errors: result.errors, seen: c.seen(result.data, f, viewer) }).toEqual({ errors: undefined, seen: false });
  } else {
    // One error per refused field (several clinical fields → several FORBIDDEN), all with the one code.
    expect([...new Set(codes(result))]).toEqual([expected]);
    expect(c.seen(result.data, f, viewer)).toBe(false);
    if (expected === 'UNAUTHENTICATED') expect(result.status).toBe(401);
    else expect(result.data?.[field] ?? null).toEqual(field === '_entities' ? [null] : null);
  }
  assertNothingLeaks(result, f, viewer, expected);
  if (before) {
    // A refused change writes nothing: no event, no audit WRITE, every row as it was.
    expect(await lastSequence(f.patient.id)).toBe(before.sequence);
    expect(await (c.probe ?? patientRows)(f)).toEqual(before.probe);
  }
}

async function runSubscription(c: Case, viewer: MatrixViewer, expected: Outcome) {
  const f = await fixture({ coordinator: viewer === COORDINATOR });
  const client = wsClient(hub.wsUrl, f.tokens[viewer]);
  clients.push(client);
  const doc = parse(c.query(f)) as TypedDocumentNode<Record<string, any>, Record<string, unknown>>;
  await noSubscriptionsLeft();
  const sub = subscribe(client, doc, c.variables?.(f, viewer) ?? {});

  if (expected === 'UNAUTHENTICATED') {
    expect(((await sub.done) as { code?: number } | null)?.code).toBe(4403);
    expect(sub.results).toEqual([]);
    return;
  }
  if (expected === 'NOT_FOUND' || expected === 'FORBIDDEN') {
    // Refused at once: the server completes the operation with the error (not left open).
    // The timer is cleared: one left pending after the last case kept jest's worker from exiting.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([sub.done.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 3000)))]);
    clearTimeout(timer);
    expect({ completed: ended, results: sub.results.length }).toEqual({ completed: true, results: 1 });
    expect(sub.results.flatMap((r) => codes(r))).toEqual([expected]);
    expect(sub.results.some((r) => c.seen(r.data as Record<string, any>, f, viewer))).toBe(false);
    assertNothingLeaks(sub.results, f, viewer, expected);
    return;
  }
  // Accepted: wait until the hub serves it, make the change, see what arrives.
  await subscriptionRunning();
  await c.trigger!(f);
  if (expected === 'OK') {
    const [first] = await sub.received(1);
    expect({ errors: first.errors, seen: c.seen(first.data as Record<string, any>, f, viewer) }).toEqual({ errors: undefined, seen: true });
  } else {
    await new Promise((r) => setTimeout(r, 600)); // what would arrive for a member arrives well within this
    expect(sub.results).toEqual([]);
  }
}

describe('the access matrix', () => {
  it('covers every Query, Mutation and Subscription field of the schema the hub serves, and nothing else', () => {
    const schema = buildHubSchema();
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean) as GraphQLObjectType[];
    const operations = roots.flatMap((type) => Object.keys(type.getFields()).map((name) => `${type.name}.${name}`));
    expect(operations).toEqual(expect.arrayContaining(['Query._entities', 'Query._service', 'Subscription.patientEvents']));
    expect(operations.filter((op) => !(op in OPERATIONS))).toEqual([]);
    expect(Object.keys(OPERATIONS).filter((op) => !operations.includes(op))).toEqual([]);
  });

  it('gives every operation a row for each of the eight viewers and a query that calls that operation', () => {
    for (const [op, cases] of Object.entries(OPERATIONS)) {
      expect([op, cases.length > 0]).toEqual([op, true]);
      for (const c of cases) {
        expect([op, c.expect.length]).toEqual([op, VIEWERS.length]);
        const doc = parse(c.query({} as Fixture));
        const kind = (doc.definitions[0] as { operation: string }).operation;
        expect(`${kind[0].toUpperCase()}${kind.slice(1)}.${rootField(c.query({} as Fixture))}`).toBe(op);
      }
    }
  });

  const cells = Object.entries(OPERATIONS).flatMap(([op, cases]) =>
    cases.flatMap((c): { op: string; c: Case; viewer: MatrixViewer; expected: Outcome }[] => [
      ...VIEWERS.map((viewer, i) => ({ op, c, viewer, expected: c.expect[i] })),
      ...(c.coordinator ? [{ op, c, viewer: COORDINATOR, expected: c.coordinator }] : []),
    ]),
  );

  it.each(
    cells.map(
      (cell) =>
        [`${cell.op}${cell.c.name ? ` (${cell.c.name})` : ''} called by ${VIEWER_LABEL[cell.viewer]} → ${cell.expected}`, cell] as const,
    ),
  )('%s', async (_title, { op, c, viewer, expected }) => {
    const kind = op.split('.')[0];
    if (kind === 'Subscription') await runSubscription(c, viewer, expected);
    else await runHttp(kind as 'Query' | 'Mutation', c, viewer, expected);
  });
});

describe('ending a membership', () => {
  it('ends access at once: the next request of the former member finds nothing, and a new subscription is refused', async () => {
    const f = await fixture();
    const asMember = (query: string, variables: Record<string, unknown>) => post(hub, query, variables, f.tokens.member);
    const PATIENT = 'query AccessAfterEnd($id: ID!) { patient(id: $id) { id name } }';
    expect((await asMember(PATIENT, { id: f.patient.id })).data?.patient?.id).toBe(f.patient.id);

    // The member must not own a plan to leave; they do not. ADMIN ends the membership over the API.
    const ended = await post(
      hub,
      'mutation AccessEndNow($input: EndCareTeamMembershipInput!) { endCareTeamMembership(input: $input) { active } }',
      { input: { membershipId: f.memberMembershipId } },
      f.tokens.admin,
    );
    expect(ended.data?.endCareTeamMembership.active).toBe(false);

    const after = await asMember(PATIENT, { id: f.patient.id });
    expect([after.data?.patient ?? null, codes(after)]).toEqual([null, ['NOT_FOUND']]);
    const lists = await asMember(
      'query AccessListsAfterEnd($mrn: String) { patients(search: $mrn) { totalCount } myTasks { totalCount } teamTasks { totalCount } }',
      { mrn: f.patient.mrn },
    );
    expect(lists.data).toEqual({ patients: { totalCount: 0 }, myTasks: { totalCount: 0 }, teamTasks: { totalCount: 0 } });
    const note = await asMember('mutation AccessNoteAfterEnd($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }', {
      input: { taskId: f.task.id, text: 'still here?' },
    });
    expect(codes(note)).toEqual(['NOT_FOUND']);

    const client = wsClient(hub.wsUrl, f.tokens.member);
    clients.push(client);
    const sub = subscribe(
      client,
      parse('subscription AccessSubAfterEnd($id: ID!) { patientEvents(patientId: $id, afterSequence: 0) { id } }') as TypedDocumentNode<
        unknown,
        { id: string }
      >,
      { id: f.patient.id },
    );
    await sub.done;
    expect(sub.results.flatMap((r) => codes(r))).toEqual(['NOT_FOUND']);
  });

  it('stops myTaskEvents for a member whose membership ends, even for the event that takes their task away', async () => {
    const f = await fixture();
    const client = wsClient(hub.wsUrl, f.tokens.member);
    clients.push(client);
    await noSubscriptionsLeft();
    const sub = subscribe(
      client,
      parse('subscription AccessMine { myTaskEvents { type task { id } } }') as TypedDocumentNode<
        { myTaskEvents: { type: string } },
        Record<string, never>
      >,
      {},
    );
    await subscriptionRunning();
    await addNoteAsOwner(f, 'before leaving');
    expect((await sub.received(1))[0].data?.myTaskEvents.type).toBe('TASK_NOTE_ADDED');

    await post(
      hub,
      'mutation AccessEndMine($input: EndCareTeamMembershipInput!) { endCareTeamMembership(input: $input) { id } }',
      { input: { membershipId: f.memberMembershipId } },
      f.tokens.admin,
    );
    await addNoteAsOwner(f, 'after leaving');
    await new Promise((r) => setTimeout(r, 600));
    expect(sub.results.map((r) => r.data?.myTaskEvents.type)).toEqual(['TASK_NOTE_ADDED']);
  });
});

describe('federation representations are client input', () => {
  it('resolves a representation whose id is malformed, of another type or missing to null, never to an internal error or data', async () => {
    const f = await fixture();
    const query = `query AccessEntitiesMalformed($r: [_Any!]!) {
      _entities(representations: $r) { __typename ... on Organization { id name } ... on Patient { id name } ... on Provider { id name } }
    }`;
    const representations = [
      { __typename: 'Organization', id: 5 },
      { __typename: 'Organization', id: f.patient.id }, // a patient id asked for as an organization
      { __typename: 'Organization', id: { $ne: null } },
      { __typename: 'Provider', id: [f.owner.id] },
      { __typename: 'Patient' },
      { __typename: 'Patient', id: f.plan.id },
    ];
    for (const viewer of ['owner', 'admin'] as const) {
      const result = await post(hub, query, { r: representations }, f.tokens[viewer]);
      expect({ viewer, errors: result.errors, entities: result.data?._entities }).toEqual({
        viewer,
        errors: undefined,
        entities: representations.map(() => null),
      });
    }
  });

  it('refuses a representation of a type that is no entity of this subgraph with BAD_USER_INPUT, not an internal error', async () => {
    const f = await fixture();
    const query = 'query AccessEntitiesUnknownType($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    const outcomes: Record<string, unknown> = {};
    for (const [name, representation] of Object.entries({
      Goal: { __typename: 'Goal', id: f.goal.id },
      Node: { __typename: 'Node', id: f.patient.id },
      'no __typename': { id: f.patient.id },
      'a scalar': 'Patient',
    })) {
      const result = await post(hub, query, { r: [{ __typename: 'Patient', id: f.patient.id }, representation] }, f.tokens.owner);
      outcomes[name] = { data: result.data ?? null, errors: result.errors?.map((e) => [e.extensions?.code, e.extensions?.field]) };
    }
    const refused = { data: null, errors: [['BAD_USER_INPUT', 'representations.1']] };
    expect(outcomes).toEqual({ Goal: refused, Node: refused, 'no __typename': refused, 'a scalar': refused });
  });
});

describe('cursors are client input', () => {
  it('refuses a patientEvents cursor that this connection never returned with BAD_USER_INPUT', async () => {
    const f = await fixture();
    const forged = Buffer.from(JSON.stringify(['abc'])).toString('base64url');
    const result = await post(
      hub,
      'query AccessForgedEventsCursor($id: ID!, $after: String) { patientEvents(patientId: $id, after: $after) { totalCount } }',
      { id: f.patient.id, after: forged },
      f.tokens.member,
    );
    expect(result.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'after']]);
  });
});

describe('ending a membership while a write of that member is in flight', () => {
  // Access is checked before the write's transaction and again under the patient lock, so a write
  // that was waiting for the lock while the membership ended does not commit.
  it("refuses a member's change that commits after their membership ended (checked again under the patient lock)", async () => {
    const f = await fixture();
    const before = await lastSequence(f.patient.id);
    let request!: Promise<RawResult>;
    await hub.orm.em.fork().transactional(async (tx) => {
      // Hold the patient's write lock, as the ADMIN's endCareTeamMembership does while it commits.
      const [{ pid }] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      await tx.execute('select id from patient where id = ? for update', [f.patient.id]);
      request = post(
        hub,
        'mutation AccessRacingNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
        { input: { taskId: f.task.id, text: 'racing the end of my membership' } },
        f.tokens.member,
      );
      // Wait until the member's write passed its access checks and queues behind our lock.
      for (let i = 0; i < 250; i++) {
        const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [
          pid,
        ]);
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await tx.execute('update care_team_member set ended_at = now() where id = ?', [f.memberMembershipId]);
    });
    const result = await request;
    expect(codes(result)).toEqual(['NOT_FOUND']);
    expect(await lastSequence(f.patient.id)).toBe(before);
  });
});
