import { access } from '../../auth/access';
import { ActorKind } from '../../core/audit-record.entity';
import type { Context } from '../../core/context';
import { caregiverConsents } from '../caregiver-consent';
import { CarePlan, CarePlanStatus } from '../care-plans';
import { CareTeamMember } from '../care-team';
import { CheckIn, Observation } from '../check-ins';
import { Goal, GoalStatus } from '../goals';
import { measures } from '../measures';
import { PatientMessage, patientMessages } from '../patient-messages';
import { Patient } from '../patients';
import { Provider } from '../providers';
import { Task, TaskStatus } from '../tasks';
import { describeRule, WarningSignRule } from '../warning-signs';
import type { MyCheckIn, MyPlan, MyRecord } from './portal.types';

/** How many upcoming tasks and check-ins `myRecord` lists. */
const LIST_LIMIT = 50;
const OPEN_TASK = [TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD];

/**
 * The patient's side of the hub. Every entry point starts with the patient
 * side's one check (`access.assertActsFor`): the patient, or a caregiver
 * with the scope the operation needs; anyone else NOT_FOUND. It reads
 * other modules' rows directly and copies only what the patient may see into
 * the patient's own types (portal.types.ts), so clinicians' internal notes
 * are never reachable from here.
 */
export const patientPortal = {
  async myRecord(ctx: Context): Promise<MyRecord> {
    const patientId = access.requirePatientSide(ctx);
    await access.assertActsFor(ctx, patientId, 'VIEW_PLAN');
    const em = ctx.em;
    const patient = await em.findOneOrFail(Patient, patientId);
    const members = await em.find(
      CareTeamMember,
      { patient: patientId, endedAt: null },
      { populate: ['provider'], orderBy: { startedAt: 'asc' } },
    );
    const checkIns = await em.find(CheckIn, { patient: patientId }, { orderBy: { takenAt: 'desc', id: 'desc' }, limit: LIST_LIMIT });
    return {
      patientId,
      viewerKind: ctx.viewer.kind as ActorKind,
      name: patient.name,
      birthDate: patient.birthDate,
      preferredLanguage: patient.preferredLanguage,
      preferences: patient.preferences,
      personalGoals: patient.personalGoals,
      statedByPatientAt: patient.statedByPatientAt,
      version: patient.version,
      careTeam: members.map((m) => {
        const p = m.provider.getEntity();
        return { name: p.name, role: m.role, roleKind: m.roleKind, discipline: p.discipline, email: p.email, phone: p.phone };
      }),
      ...(await planAndMessages(ctx, patientId)),
      checkIns: await describeCheckIns(ctx, checkIns),
      caregivers: ctx.viewer.kind === 'PATIENT' ? await caregiverConsents.ofPatient(ctx, patientId, false) : [],
    };
  },
};

async function planAndMessages(ctx: Context, patientId: string): Promise<{ activePlan: MyPlan | null; messages: PatientMessage[] }> {
  const plan = await activePlan(ctx, patientId);
  return { activePlan: plan?.view ?? null, messages: plan ? await patientMessages.ofPlan(ctx, plan.id) : [] };
}

async function activePlan(ctx: Context, patientId: string): Promise<{ id: string; view: MyPlan } | null> {
  const em = ctx.em;
  const plan = await em.findOne(
    CarePlan,
    { patient: patientId, status: CarePlanStatus.ACTIVE },
    { populate: ['owner'], orderBy: { createdAt: 'desc', id: 'desc' } },
  );
  if (!plan) return null;
  const goals = await em.find(
    Goal,
    { carePlan: plan.id, status: { $ne: GoalStatus.CANCELLED } },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const tasks = await em.find(
    Task,
    { carePlan: plan.id, status: { $in: OPEN_TASK } },
    { orderBy: { startAt: 'asc nulls last', dueAt: 'asc nulls last', id: 'asc' }, limit: LIST_LIMIT },
  );
  const assignees = new Map(
    (await em.find(Provider, { id: { $in: tasks.flatMap((t) => (t.assignee ? [t.assignee.id] : [])) } })).map((p) => [p.id, p.name]),
  );
  const rules = await em.find(WarningSignRule, { carePlan: plan.id, active: true }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const ruleSigns = [];
  for (const rule of rules) {
    const measure = await measures.get(ctx, rule.measureCode, 'measureCode');
    ruleSigns.push({ sign: describeRule(rule, measure), whatToDo: rule.instruction });
  }
  const view: MyPlan = {
    title: plan.title,
    description: plan.description,
    category: plan.category,
    ownerName: plan.owner.getEntity().name,
    goals: goals.map((g) => ({ description: g.description, target: g.target, dueDate: g.dueDate, status: g.status })),
    upcoming: tasks.map((t) => ({
      id: t.id,
      title: t.title,
      kind: t.kind,
      status: t.status,
      dueAt: t.dueAt,
      startAt: t.startAt,
      endAt: t.endAt,
      location: t.location,
      telehealthUrl: t.telehealthUrl,
      withName: t.assignee ? (assignees.get(t.assignee.id) ?? null) : null,
      patientResponse: t.patientResponse,
    })),
    warningSigns: [...plan.warningSigns.map((sign) => ({ sign, whatToDo: null })), ...ruleSigns],
  };
  return { id: plan.id, view };
}

async function describeCheckIns(ctx: Context, checkIns: CheckIn[]): Promise<MyCheckIn[]> {
  if (!checkIns.length) return [];
  const observations = await ctx.em.find(Observation, { checkIn: { $in: checkIns.map((c) => c.id) } }, { orderBy: { id: 'asc' } });
  const result: MyCheckIn[] = [];
  for (const checkIn of checkIns) {
    const values = [];
    for (const o of observations.filter((x) => x.checkIn.id === checkIn.id)) {
      const measure = await measures.get(ctx, o.measureCode, 'measureCode');
      values.push({
        measure: measure.name,
        text: measures.describe({ measure, value: o.value, code: o.code, band: o.band }),
        value: o.value,
      });
    }
    result.push({ takenAt: checkIn.takenAt, source: checkIn.source, values });
  }
  return result;
}
