import crypto from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { operatorViewer, providerViewer, type Viewer } from '../../src/auth/viewer';
import { createContexts } from '../../src/app/contexts';
import { CarePlanCategory, CarePlanStatus, type CarePlan } from '../../src/modules/care-plans';
import { carePlans } from '../../src/modules/care-plans';
import type { CareTeamMember } from '../../src/modules/care-team';
import { careTeam } from '../../src/modules/care-team';
import { goals } from '../../src/modules/goals';
import type { Goal } from '../../src/modules/goals';
import { organizations } from '../../src/modules/organizations';
import type { Organization } from '../../src/modules/organizations';
import { AllergyCriticality } from '../../src/modules/patients';
import type { Patient } from '../../src/modules/patients';
import { patients } from '../../src/modules/patients';
import { Discipline, type Provider } from '../../src/modules/providers';
import { providers } from '../../src/modules/providers';
import { TaskKind, type Task, type TaskStatus } from '../../src/modules/tasks';
import { tasks } from '../../src/modules/tasks';
import type { TestHub } from './hub';

const unique = () => crypto.randomBytes(4).toString('hex');

/**
 * Builds test data through the hub's own services, so every row comes with
 * its events and audit records exactly as in production. Each call to
 * `world()` creates a new organization: tests never share data.
 */
export async function world(hub: TestHub) {
  const admin: Viewer = operatorViewer(`admin-${unique()}`);
  const contexts = createContexts(hub.orm);
  const ctx = (viewer: Viewer) => contexts.create(viewer, `factory-${unique()}`);
  const as = (p: Provider): Viewer => providerViewer(p.id);
  const org: Organization = await organizations.create(ctx(admin), { name: `Clinic ${unique()}` });

  const w = {
    org,
    adminViewer: admin,
    adminToken: () => hub.token(admin.sub, ['ADMIN']),
    token: (p: Provider) => hub.token(p.id),
    /** A request context for a provider (or the world's ADMIN), for tests that call services directly. */
    contextOf: (p: Provider | null) => ctx(p ? as(p) : admin),

    provider(fields: { name?: string; discipline?: Discipline; organization?: Organization } = {}): Promise<Provider> {
      const id = unique();
      return providers.create(ctx(admin), {
        organizationId: (fields.organization ?? org).id,
        name: fields.name ?? `Provider ${id}`,
        discipline: fields.discipline ?? Discipline.PHYSICIAN,
        specialty: null,
        email: `provider-${id}@test.example`,
      });
    },

    /** A patient with the given providers on its care team (role defaults to "team member"). */
    async patient(team: (Provider | [Provider, string])[] = [], fields: { name?: string; mrn?: string } = {}): Promise<Patient> {
      const patient = await patients.create(ctx(admin), {
        organizationId: org.id,
        mrn: fields.mrn ?? `MRN-${unique()}`,
        name: fields.name ?? `Patient ${unique()}`,
        birthDate: new Date('1960-05-17'),
        preferences: ['Prefers mornings'],
        allergies: [{ substance: 'Penicillin', reaction: 'Rash', criticality: AllergyCriticality.HIGH }],
      });
      for (const member of team) {
        const [provider, role] = Array.isArray(member) ? member : [member, 'team member'];
        await w.addMember(patient, provider, role);
      }
      return patient;
    },

    addMember(patient: Patient, provider: Provider, role = 'team member'): Promise<CareTeamMember> {
      return careTeam.add(ctx(admin), { patientId: patient.id, providerId: provider.id, role });
    },

    endMembership(member: CareTeamMember): Promise<CareTeamMember> {
      return careTeam.end(ctx(admin), { membershipId: member.id });
    },

    /** A care plan owned by `owner` (an active member), ACTIVE unless said otherwise. */
    async plan(
      patient: Patient,
      owner: Provider,
      fields: { status?: CarePlanStatus; category?: CarePlanCategory; title?: string } = {},
    ): Promise<CarePlan> {
      let plan = await carePlans.create(ctx(as(owner)), {
        patientId: patient.id,
        title: fields.title ?? `Plan ${unique()}`,
        category: fields.category ?? CarePlanCategory.GENERAL,
        ownerId: owner.id,
      });
      const status = fields.status ?? CarePlanStatus.ACTIVE;
      if (status !== CarePlanStatus.DRAFT) {
        plan = await carePlans.update(ctx(as(owner)), { id: plan.id, expectedVersion: plan.version, status: CarePlanStatus.ACTIVE });
      }
      if (status !== CarePlanStatus.DRAFT && status !== CarePlanStatus.ACTIVE) {
        plan = await carePlans.update(ctx(as(owner)), { id: plan.id, expectedVersion: plan.version, status });
      }
      return plan;
    },

    goal(plan: CarePlan, owner: Provider, description = `Goal ${unique()}`): Promise<Goal> {
      return goals.add(ctx(as(owner)), { carePlanId: plan.id, description, target: 'measurable', dueDate: null });
    },

    /** A task created by `by`, assigned to `assignee`, walked by the assignee through `path`. */
    async task(
      plan: CarePlan,
      by: Provider,
      options: { assignee?: Provider | null; path?: TaskStatus[]; title?: string } = {},
    ): Promise<Task> {
      let task = await tasks.create(ctx(as(by)), {
        carePlanId: plan.id,
        title: options.title ?? `Task ${unique()}`,
        kind: TaskKind.FOLLOW_UP,
        assigneeId: options.assignee === undefined ? by.id : (options.assignee?.id ?? null),
      });
      const worker = options.assignee === undefined ? by : options.assignee;
      for (const to of options.path ?? []) {
        task = await tasks.transition(ctx(as(worker!)), { id: task.id, expectedVersion: task.version, to });
      }
      return task;
    },

    /**
     * The standard care team: a patient with `owner` (physician, owns an ACTIVE
     * plan unless `planStatus` says otherwise) and `nurse` on the team, their
     * memberships, and `outsider`, a provider of the same organization who is
     * not on it. Tokens for each.
     */
    async team(options: { planStatus?: CarePlanStatus } = {}) {
      const owner = await w.provider({ name: `Dr. Owner ${unique()}`, discipline: Discipline.PHYSICIAN });
      const nurse = await w.provider({ name: `Nurse ${unique()}`, discipline: Discipline.NURSE });
      const outsider = await w.provider({ name: `Dr. Outsider ${unique()}` });
      const patient = await w.patient();
      const ownerMembership = await w.addMember(patient, owner, 'primary physician');
      const nurseMembership = await w.addMember(patient, nurse, 'home nurse');
      const plan = await w.plan(patient, owner, { status: options.planStatus });
      return {
        owner,
        nurse,
        outsider,
        patient,
        plan,
        ownerMembership,
        nurseMembership,
        ownerToken: await w.token(owner),
        nurseToken: await w.token(nurse),
        outsiderToken: await w.token(outsider),
      };
    },

    /** What the database holds of a patient's event log: the counter and the rows. */
    async eventLog(patientId: string): Promise<{ last: number; count: number; types: string[] }> {
      const conn = hub.orm.em.getConnection();
      const [row] = await conn.execute<{ last_event_sequence: number }[]>('select last_event_sequence from patient where id = ?', [
        patientId,
      ]);
      const events = await conn.execute<{ type: string }[]>('select type from event where patient_id = ? order by sequence', [patientId]);
      return { last: row.last_event_sequence, count: events.length, types: events.map((e) => e.type) };
    },

    /**
     * Snapshots a record and its patient's event log; the returned check
     * asserts that neither changed (for refused writes).
     */
    async snapshot(patientId: string, table?: 'patient' | 'care_plan' | 'goal' | 'task' | 'care_team_member', id?: string) {
      const log = await w.eventLog(patientId);
      const row = table && id ? await w.row(table, id) : null;
      return async () => {
        expect(await w.eventLog(patientId)).toEqual(log);
        if (table && id) expect(await w.row(table, id)).toEqual(row);
      };
    },

    /** A row of a table as stored, to compare before and after a refused write. */
    async row(table: 'patient' | 'care_plan' | 'goal' | 'task' | 'care_team_member', id: string): Promise<Record<string, unknown>> {
      const [found] = await hub.orm.em.getConnection().execute<Record<string, unknown>[]>(`select * from ${table} where id = ?`, [id]);
      return found;
    },
  };
  return w;
}

export type World = Awaited<ReturnType<typeof world>>;

/** The one error of a refused operation, with its code and extensions (data must be null). */
export function refusal(result: ExecutionResult<unknown>): { code: string; message: string; extensions: Record<string, unknown> } {
  if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  const [error] = result.errors;
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  return { code: String(extensions.code), message: error.message, extensions };
}

/** The data of a successful operation (fails the test with the errors otherwise). */
export function ok<R>(result: ExecutionResult<R>): R {
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data!;
}
