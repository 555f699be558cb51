import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { isActiveMember } from '../../auth/membership';
import { byIdLoader } from '../../core/batch';
import type { Context } from '../../core/context';
import { assertVersion, badInput, forbidden, inField, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { keysetPage, toPage } from '../../core/pagination';
import { writePatient } from '../../core/patient-write';
import { carePlans, type CarePlan } from '../care-plans';
import { expectedCheckIns } from '../expected-check-ins';
import { goals } from '../goals';
import { organizations } from '../organizations';
import { patients } from '../patients';
import { providers } from '../providers';
import { TaskPriority, tasks } from '../tasks';
import { warningSigns, type WarningSignRuleFields } from '../warning-signs';
import {
  PlanTemplate,
  PlanTemplateCheckIn,
  PlanTemplateGoal,
  PlanTemplateTask,
  PlanTemplateWarningSignRule,
  roleKey,
} from './plan-template.entity';
import type {
  ArchivePlanTemplateInput,
  CreateCarePlanFromTemplateInput,
  CreatePlanTemplateInput,
  PlanTemplatesArgs,
  UpdatePlanTemplateInput,
} from './plan-template.types';
import { checkRecurrence } from './recurrence';

export function planTemplateLoaders(em: EntityManager) {
  return { planTemplateById: byIdLoader(em, PlanTemplate) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof planTemplateLoaders> {}
}

/**
 * Who may create, change and archive an organization's templates: the one
 * rule, here and nowhere else. For now ADMIN (operators manage every
 * organization, as they manage its providers and patients); a COORDINATOR of
 * the organization is meant to join them here.
 */
async function mayManageTemplates(ctx: Context, _organizationId: string): Promise<boolean> {
  return ctx.viewer.isAdmin;
}

async function assertMayManage(ctx: Context, organizationId: string): Promise<void> {
  if (!(await mayManageTemplates(ctx, organizationId))) throw forbidden('Only an ADMIN manages plan templates');
}

/** The caller's organization: a provider's own; null for an operator who is no provider. */
async function organizationOfViewer(ctx: Context): Promise<string | null> {
  if (!ctx.viewer.providerId) return null;
  return (await providers.get(ctx, ctx.viewer.providerId)).organization.id;
}

/** Templates are the organization's, not patient data: its providers read them, and operators (ADMIN), who manage them. */
async function mayRead(ctx: Context, organizationId: string): Promise<boolean> {
  return ctx.viewer.isAdmin || (await organizationOfViewer(ctx)) === organizationId;
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (date: string, days: number) => day(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));

/** The fields of a stored template rule, as `addWarningSignRule` takes them (to check it again when a plan gets it). */
function ruleFields(rule: PlanTemplateWarningSignRule): WarningSignRuleFields {
  const { measureCode, ...fields } = rule;
  return { measure: measureCode, ...fields };
}

/**
 * A template's parts checked as the modules that own them check theirs
 * (goals, tasks, warning-sign rules, expected check-ins), with the field named
 * inside the input (`warningSignRules.1.threshold`); a task's recurrence with
 * the rrule library.
 */
async function checkContent(
  ctx: Context,
  input: Pick<CreatePlanTemplateInput, 'goals' | 'tasks' | 'warningSignRules' | 'expectedCheckIns'>,
) {
  const content: Partial<Pick<PlanTemplate, 'goals' | 'tasks' | 'warningSignRules' | 'expectedCheckIns'>> = {};
  if (input.goals) {
    content.goals = input.goals.map((goal) =>
      Object.assign(new PlanTemplateGoal(), {
        description: goal.description.trim(),
        target: goal.target?.trim() || null,
        dueInDays: goal.dueInDays ?? null,
      }),
    );
  }
  if (input.tasks) {
    content.tasks = input.tasks.map((task, i) => {
      if (task.recurrence != null && task.dueInDays == null) {
        throw badInput(`tasks.${i}.dueInDays`, 'A repeating task needs dueInDays: its first due time starts the recurrence');
      }
      return Object.assign(new PlanTemplateTask(), {
        title: task.title.trim(),
        kind: task.kind,
        priority: task.priority ?? TaskPriority.ROUTINE,
        description: task.description?.trim() || null,
        assignRole: task.assignRole?.trim() || null,
        dueInDays: task.dueInDays ?? null,
        dueTime: task.dueTime ?? '17:00',
        recurrence: task.recurrence == null ? null : checkRecurrence(task.recurrence, `tasks.${i}.recurrence`),
      });
    });
  }
  if (input.warningSignRules) {
    content.warningSignRules = [];
    for (const [i, rule] of input.warningSignRules.entries()) {
      const checked = await inField(`warningSignRules.${i}`, () => warningSigns.check(ctx, rule));
      content.warningSignRules.push(
        Object.assign(new PlanTemplateWarningSignRule(), {
          measureCode: checked.measure.code,
          ...checked.fields,
          severity: checked.severity,
          instruction: checked.instruction,
          assignRole: checked.assignRole,
        }),
      );
    }
  }
  if (input.expectedCheckIns) {
    content.expectedCheckIns = [];
    for (const [i, expected] of input.expectedCheckIns.entries()) {
      const checked = await inField(`expectedCheckIns.${i}`, () => expectedCheckIns.check(ctx, expected));
      if (content.expectedCheckIns.some((e) => e.measureCode === checked.measure.code)) {
        throw badInput(
          `expectedCheckIns.${i}.measure`,
          `The template already expects ${checked.measure.name}: a plan expects a measure once`,
        );
      }
      const { measure, ...rest } = checked;
      content.expectedCheckIns.push(Object.assign(new PlanTemplateCheckIn(), { measureCode: measure.code, ...rest }));
    }
  }
  return content;
}

/** The IANA zone due times are given in; BAD_USER_INPUT on `timeZone` when neither the runtime nor PostgreSQL knows it. */
function checkTimeZone(zone: string): string {
  const known =
    /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) &&
    (() => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    })();
  if (!known) throw badInput('timeZone', `timeZone: "${zone.slice(0, 64)}" is not an IANA time zone such as "Europe/Stockholm"`);
  return zone;
}

/**
 * The first due time of each task: `dueInDays` after the start date at its
 * `dueTime`, as a wall-clock time in `zone` (PostgreSQL's time-zone database
 * turns it into an instant, daylight-saving changes included); null for a
 * task without a deadline. One statement, before the write.
 */
async function dueTimes(
  em: EntityManager,
  taskList: readonly PlanTemplateTask[],
  startDate: string,
  zone: string,
): Promise<(Date | null)[]> {
  const due = taskList.flatMap((task, i) => (task.dueInDays == null ? [] : [[i, task.dueInDays, task.dueTime] as const]));
  const result: (Date | null)[] = taskList.map(() => null);
  try {
    if (!due.length) {
      await em.execute('select now() at time zone ?', [zone]);
      return result;
    }
    const rows = await em.execute<{ i: number; due: Date }[]>(
      `select v.i, (?::date + v.n + v.t::time) at time zone ? as due from (values ${due.map(() => '(?::int, ?::int, ?::text)').join(', ')}) as v(i, n, t)`,
      [startDate, zone, ...due.flat()],
    );
    for (const row of rows) result[row.i] = new Date(row.due);
    return result;
  } catch (err) {
    if (err instanceof Error && /time zone/i.test(err.message)) throw badInput('timeZone', `timeZone: PostgreSQL does not know "${zone}"`);
    throw err;
  }
}

export const planTemplates = {
  /** A template of the caller's organization (operators: any); NOT_FOUND for anyone else. */
  async get(ctx: Context, id: string): Promise<PlanTemplate> {
    const template = await ctx.loaders.planTemplateById.load(expectId('PlanTemplate', id, 'id'));
    if (!template || !(await mayRead(ctx, template.organization.id))) throw notFound('PlanTemplate', id);
    return template;
  },

  /** An organization's templates, oldest first: the caller's own by default; FORBIDDEN for another's. */
  async list(ctx: Context, args: PlanTemplatesArgs) {
    const organizationId = args.organizationId
      ? expectId('Organization', args.organizationId, 'organizationId')
      : await organizationOfViewer(ctx);
    if (!organizationId) throw badInput('organizationId', 'An operator who is no provider names the organization');
    if (!(await mayRead(ctx, organizationId))) throw forbidden("Only the organization's providers read its plan templates");
    const where = {
      organization: organizationId,
      ...(args.includeArchived ? {} : { archivedAt: null }),
      ...(args.category ? { category: args.category } : {}),
    };
    return keysetPage(ctx.em, PlanTemplate, where, toPage(args, ['string']), 'id');
  },

  async create(ctx: Context, input: CreatePlanTemplateInput): Promise<PlanTemplate> {
    const org = await organizations.get(ctx, expectId('Organization', input.organizationId, 'organizationId'));
    await assertMayManage(ctx, org.id);
    const template = ctx.em.create(PlanTemplate, {
      organization: org.id,
      title: input.title.trim(),
      category: input.category,
      description: input.description?.trim() || null,
      warningSigns: input.warningSigns ?? [],
      goals: [],
      tasks: [],
      warningSignRules: [],
      expectedCheckIns: [],
      ...(await checkContent(ctx, input)),
    });
    await ctx.em.persistAndFlush(template);
    return template;
  },

  /** Changes a template (not an archived one: FORBIDDEN); lists given replace the stored ones. */
  async update(ctx: Context, input: UpdatePlanTemplateInput): Promise<PlanTemplate> {
    const found = await planTemplates.get(ctx, input.id);
    await assertMayManage(ctx, found.organization.id);
    const template = await ctx.em.findOneOrFail(PlanTemplate, found.id, { refresh: true });
    assertVersion(template, input.expectedVersion, 'PlanTemplate');
    if (template.archivedAt) throw forbidden('The template is archived and can no longer change');
    const content = await checkContent(ctx, input);
    ctx.em.assign(template, {
      ...(input.title != null ? { title: input.title.trim() } : {}),
      ...(input.category != null ? { category: input.category } : {}),
      ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
      ...(input.warningSigns != null ? { warningSigns: input.warningSigns } : {}),
      ...content,
    });
    await ctx.em.flush();
    return template;
  },

  /** Archives a template: it stays readable (`includeArchived`), no plan is made from it any more. */
  async archive(ctx: Context, input: ArchivePlanTemplateInput): Promise<PlanTemplate> {
    const found = await planTemplates.get(ctx, input.id);
    await assertMayManage(ctx, found.organization.id);
    const template = await ctx.em.findOneOrFail(PlanTemplate, found.id, { refresh: true });
    assertVersion(template, input.expectedVersion, 'PlanTemplate');
    if (template.archivedAt) return template;
    template.archivedAt = new Date();
    await ctx.em.flush();
    return template;
  },

  /**
   * A care plan from a template, with all its parts, in ONE patient write:
   * CARE_PLAN_CREATED, then GOAL_ADDED for each goal, TASK_CREATED for each
   * task, WARNING_SIGN_RULE_ADDED for each rule and CHECK_IN_EXPECTED for each
   * expected check-in, in the template's order. The plan is made as
   * `createCarePlan` makes it (same access: any active team member; same
   * checks: the owner an active member), and each part by its own module's
   * service inside the write. Anything refused refuses all of it.
   */
  async instantiate(ctx: Context, input: CreateCarePlanFromTemplateInput): Promise<CarePlan> {
    const patientId = expectId('Patient', input.patientId, 'patientId');
    const templateId = expectId('PlanTemplate', input.templateId, 'templateId');
    const ownerId = expectId('Provider', input.ownerId, 'ownerId');
    await access.assertMember(ctx, patientId);
    const [patient, template] = await Promise.all([
      patients.get(ctx, patientId),
      planTemplates.get(ctx, templateId).catch(() => {
        throw badInput('templateId', 'templateId names no plan template of your organization');
      }),
    ]);
    if (template.organization.id !== patient.organization.id) {
      throw badInput('templateId', "The template belongs to another organization than the patient's");
    }
    if (template.archivedAt) throw badInput('templateId', 'The template is archived');
    const startDate = day(input.startDate);
    if (startDate < '2000-01-01' || startDate > '2098-12-31')
      throw badInput('startDate', 'startDate must be between 2000-01-01 and 2098-12-31');

    const roles = new Set(template.roles.map(roleKey));
    const assigneeByRole = new Map<string, string>();
    for (const [i, assignment] of (input.assign ?? []).entries()) {
      const role = roleKey(assignment.role);
      if (!roles.has(role)) {
        throw badInput(
          `assign.${i}.role`,
          `The template has no task for "${assignment.role.slice(0, 100)}"; its roles: ${template.roles.join(', ') || 'none'}`,
        );
      }
      if (assigneeByRole.has(role)) throw badInput(`assign.${i}.role`, 'Each role is assigned once');
      assigneeByRole.set(role, expectId('Provider', assignment.providerId, `assign.${i}.providerId`));
    }
    const due = await dueTimes(ctx.em, template.tasks, startDate, checkTimeZone(input.timeZone ?? 'UTC'));

    return writePatient(ctx, patientId, async (write) => {
      // Under the patient lock, so a membership ended meanwhile is seen.
      for (const [i, assignment] of (input.assign ?? []).entries()) {
        if (!(await isActiveMember(write.em, patientId, assignment.providerId))) {
          throw badInput(`assign.${i}.providerId`, 'The assignee must be an active member of the care team');
        }
      }
      const plan = await carePlans.create(await write.context(), {
        patientId,
        ownerId,
        title: input.title?.trim() || template.title,
        category: template.category,
        description: template.description,
        warningSigns: template.warningSigns,
      });
      for (const goal of template.goals) {
        await goals.insert(write, plan, {
          description: goal.description,
          target: goal.target,
          dueDate: goal.dueInDays == null ? null : addDays(startDate, goal.dueInDays),
        });
      }
      for (const [i, task] of template.tasks.entries()) {
        // When tasks recur (issue 13, item 3), `task.recurrence` goes to the task here, starting at due[i].
        await tasks.create(await write.context(), {
          carePlanId: plan.id,
          title: task.title,
          kind: task.kind,
          priority: task.priority,
          description: task.description,
          assigneeId: task.assignRole ? (assigneeByRole.get(roleKey(task.assignRole)) ?? null) : null,
          dueAt: due[i],
        });
      }
      for (const [i, rule] of template.warningSignRules.entries()) {
        const checked = await inField(`warningSignRules.${i}`, async () => warningSigns.check(await write.context(), ruleFields(rule)));
        warningSigns.insert(write, plan, checked);
      }
      for (const [i, expected] of template.expectedCheckIns.entries()) {
        const { measureCode, ...fields } = expected;
        const checked = await inField(`expectedCheckIns.${i}`, async () =>
          expectedCheckIns.check(await write.context(), { measure: measureCode, ...fields }),
        );
        await inField(`expectedCheckIns.${i}`, () => expectedCheckIns.insert(write, plan, checked));
      }
      return plan;
    });
  },
};
