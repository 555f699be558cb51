import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { activeMemberships, patientsOfMember } from '../../auth/membership';
import { byIdLoader } from '../../core/batch';
import { createdValues } from '../../core/changes';
import type { Context } from '../../core/context';
import { assertVersion, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { defineLifecycle } from '../../core/lifecycle';
import { newestFirstPage, toPage } from '../../core/pagination';
import { writePatient, type PatientWrite } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { carePlans } from '../care-plans';
import type { CheckIn, Observation } from '../check-ins';
import { measures } from '../measures';
import { TaskKind, TaskPriority, tasks } from '../tasks';
import { AlertSeverity, warningSigns, type WarningSignRule } from '../warning-signs';
import { Alert, AlertReason, AlertStatus } from './alert.entity';
import type { AcknowledgeAlertInput, AlertListArgs, ResolveAlertInput } from './alert.types';

/** An alert is taken, then dealt with (or dealt with at once). */
export const alertLifecycle = defineLifecycle<AlertStatus>('Alert', {
  OPEN: [AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED],
  ACKNOWLEDGED: [AlertStatus.RESOLVED],
  RESOLVED: [],
});

export const AlertEvent = defineEventTypes({
  ALERT_RAISED: 'A check-in met a warning sign (or an expected check-in was missed): an alert and its urgent task were raised.',
  ALERT_ACKNOWLEDGED: 'A team member took an alert.',
  ALERT_RESOLVED: 'A team member resolved an alert.',
});

/** The alert task's priority, from the alert's severity. */
export const TASK_PRIORITY: Record<AlertSeverity, TaskPriority> = {
  LOW: TaskPriority.ROUTINE,
  MODERATE: TaskPriority.URGENT,
  HIGH: TaskPriority.ASAP,
  CRITICAL: TaskPriority.STAT,
};

export function alertLoaders(em: EntityManager) {
  return { alertById: byIdLoader(em, Alert) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof alertLoaders> {}
}

const OPEN_STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED];

/** Inside a write: the active member holding `role` longest, or null. */
async function memberInRole(write: PatientWrite, role: string): Promise<string | null> {
  const [row] = await write.em.execute<{ provider_id: string }[]>(
    activeMemberships(write.em.getKnex())
      .select('provider_id')
      .where('patient_id', write.patientId)
      .whereRaw('lower(role) = lower(?)', [role])
      .orderBy([{ column: 'started_at' }, { column: 'id' }])
      .limit(1),
  );
  return row?.provider_id ?? null;
}

export interface RaiseInput {
  carePlanId: string;
  reason: AlertReason;
  severity: AlertSeverity;
  summary: string;
  instruction: string;
  /** The care-team role whose member gets the task; null (or nobody in it): the plan owner. */
  assignRole: string | null;
  /** Who the task is requested by: the recorder of the check-in, or the plan owner for a missed one. */
  requesterId: string | null;
  rule?: WarningSignRule;
  expectationId?: string;
  checkIn?: CheckIn;
  observations?: readonly Observation[];
}

export const alerts = {
  async get(ctx: Context, id: string): Promise<Alert> {
    const alert = await ctx.loaders.alertById.load(expectId('Alert', id, 'id'));
    if (!alert || !(await access.isMember(ctx, alert.patient.id)))
      throw access.refuse(ctx, alert?.patient.id ?? null, notFound('Alert', id));
    ctx.audit.read(alert.patient.id);
    return alert;
  },

  /**
   * Inside a write: raises an alert (ALERT_RAISED) and its urgent task
   * (TASK_CREATED), in that order, assigned to the member in the rule's role
   * or to the plan owner.
   */
  async raise(write: PatientWrite, input: RaiseInput): Promise<Alert> {
    const plan = await carePlans.forChange(write, input.carePlanId);
    const assigneeId = (input.assignRole && (await memberInRole(write, input.assignRole))) || plan.owner.id;
    const alert = write.em.create(Alert, {
      patient: write.patientId,
      carePlan: plan,
      reason: input.reason,
      rule: input.rule ?? null,
      expectationId: input.expectationId ?? null,
      checkIn: input.checkIn ?? null,
      severity: input.severity,
      summary: input.summary,
      instruction: input.instruction,
      triggeringValues: (input.observations ?? []).map((o) => ({
        observationId: o.id,
        measureCode: o.measureCode,
        value: o.value,
        code: o.code,
        takenAt: o.takenAt,
      })),
    });
    write.event({
      type: AlertEvent.ALERT_RAISED,
      summary: `${alert.severity} alert: ${alert.summary}`,
      subjects: [plan.id, alert.id, input.rule?.id, input.expectationId, input.checkIn?.id],
      changes: createdValues({ reason: alert.reason, severity: alert.severity, status: alert.status, summary: alert.summary }),
    });
    const task = await tasks.raise(write, {
      carePlanId: plan.id,
      title: `Alert (${alert.severity}): ${alert.summary}`.slice(0, 200),
      description: alert.instruction,
      kind: TaskKind.FOLLOW_UP,
      priority: TASK_PRIORITY[alert.severity],
      assigneeId,
      requesterId: input.requesterId ?? plan.owner.id,
    });
    alert.task = ref(task);
    return alert;
  },

  /**
   * Inside a write: is an alert of this rule (or expected check-in) still open?
   * One alert per cause until it is resolved: the patient lock serialises
   * this check, a partial unique index backs it.
   */
  async isOpen(write: PatientWrite, cause: { rule: string } | { expectationId: string }): Promise<boolean> {
    return (await write.em.count(Alert, { ...cause, status: { $in: OPEN_STATUSES } })) > 0;
  },

  /**
   * The check-ins hook: evaluates the active rules of the patient's ACTIVE
   * plans that watch the new values, and raises an alert for each rule met
   * that has none open yet. Runs inside the check-in's write.
   */
  async onCheckIn(ctx: Context, write: PatientWrite, checkIn: CheckIn, observations: readonly Observation[]): Promise<void> {
    const rules = await warningSigns.watching(write, [...new Set(observations.map((o) => o.measureCode))]);
    await ctx.loaders.measureByCode.loadMany(rules.map((r) => r.measureCode)); // one statement for all the rules' measures
    for (const rule of rules) {
      const observation = observations.find((o) => o.measureCode === rule.measureCode)!;
      const measure = await measures.get(ctx, rule.measureCode, 'measure');
      const trigger = await warningSigns.evaluate(write, rule, observation, measure);
      if (!trigger) continue;
      if (await alerts.isOpen(write, { rule: rule.id })) continue;
      await alerts.raise(write, {
        carePlanId: rule.carePlan.id,
        reason: AlertReason.WARNING_SIGN,
        severity: rule.severity,
        summary: trigger.description,
        instruction: rule.instruction,
        assignRole: rule.assignRole,
        requesterId: checkIn.recordedBy?.id ?? null, // reported by the patient side: the plan owner requests it
        rule,
        checkIn,
        observations: trigger.observations,
      });
    }
  },

  /** Any active team member takes an open alert. */
  acknowledge(ctx: Context, input: AcknowledgeAlertInput): Promise<Alert> {
    return alerts.move(ctx, input.id, input.expectedVersion, AlertStatus.ACKNOWLEDGED, input.note ?? null);
  },

  /** Any active team member resolves an alert, saying how. Its task stays as it is (the team closes it in its own lifecycle). */
  resolve(ctx: Context, input: ResolveAlertInput): Promise<Alert> {
    return alerts.move(ctx, input.id, input.expectedVersion, AlertStatus.RESOLVED, input.note);
  },

  async move(ctx: Context, id: string, expectedVersion: number | null | undefined, to: AlertStatus, note: string | null): Promise<Alert> {
    const found = await alerts.get(ctx, id);
    const providerId = await access.assertMember(ctx, found.patient.id);
    ctx.loaders.alertById.clear(found.id);
    return writePatient(ctx, found.patient.id, async (write) => {
      const alert = await write.em.findOneOrFail(Alert, found.id, { refresh: true });
      assertVersion(alert, expectedVersion, 'Alert');
      alertLifecycle.assertMove(alert.status, to);
      const from = alert.status;
      const text = note?.trim() || null;
      alert.status = to;
      if (to === AlertStatus.ACKNOWLEDGED)
        Object.assign(alert, { acknowledgedBy: providerId, acknowledgedAt: new Date(), acknowledgeNote: text });
      else Object.assign(alert, { resolvedBy: providerId, resolvedAt: new Date(), resolutionNote: text });
      write.event({
        type: to === AlertStatus.ACKNOWLEDGED ? AlertEvent.ALERT_ACKNOWLEDGED : AlertEvent.ALERT_RESOLVED,
        summary: `${alert.severity} alert ${to === AlertStatus.ACKNOWLEDGED ? 'acknowledged' : 'resolved'}: ${alert.summary}${text ? ` (${text})` : ''}`,
        subjects: [alert.carePlan.id, alert.id],
        changes: { status: { from, to } },
      });
      return alert;
    });
  },

  /** A patient's alerts, newest first, by status (default: not resolved). */
  async ofPatient(ctx: Context, patientId: string, args: AlertListArgs) {
    await access.assertClinical(ctx, patientId);
    const statuses = args.status?.length ? args.status : OPEN_STATUSES;
    return newestFirstPage(
      ctx.em,
      Alert,
      { patient: patientId, status: { $in: statuses } },
      toPage(args, ['string', 'string']),
      'createdAt',
    );
  },

  /** The caller's worklist: alerts of every patient whose care team they are on, newest first, by status (default: not resolved). */
  async mine(ctx: Context, args: AlertListArgs) {
    const providerId = access.requireProvider(ctx);
    const patientIds = [...(await patientsOfMember(ctx.em, providerId)).keys()];
    const statuses = args.status?.length ? args.status : OPEN_STATUSES;
    const page = await newestFirstPage(
      ctx.em,
      Alert,
      { patient: { $in: patientIds }, status: { $in: statuses } },
      toPage(args, ['string', 'string']),
      'createdAt',
    );
    for (const { node } of page.edges) {
      ctx.loaders.viewerIsMember.prime(node.patient.id, true);
      ctx.audit.read(node.patient.id);
    }
    return page;
  },
};
