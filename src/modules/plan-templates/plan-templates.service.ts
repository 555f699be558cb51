import { GraphQLError } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { access } from '../../auth/access';
import { isActiveMember } from '../../auth/membership';
import { byIdLoader } from '../../core/batch';
import type { Context } from '../../core/context';
import { assertVersion, badInput, ErrorCode, forbidden, inField, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { keysetPage, toPage } from '../../core/pagination';
import { writePatient } from '../../core/patient-write';
import { carePlans, type CarePlan } from '../care-plans';
import { careTeam } from '../care-team';
import { expectedCheckIns } from '../expected-check-ins';
import { goals } from '../goals';
import { organizations } from '../organizations';
import { patients } from '../patients';
import { providers } from '../providers';
import { tasks } from '../tasks';
import { warningSigns } from '../warning-signs';
import { PlanTemplate, roleKey } from './plan-template.entity';
import type {
  ArchivePlanTemplateInput,
  CreateCarePlanFromTemplateInput,
  CreatePlanTemplateInput,
  PlanTemplatesArgs,
  UpdatePlanTemplateInput,
} from './plan-template.types';
import { addDays, checkTimeZone, day, dueTimes } from './due-times';
import { checkContent, ruleFields } from './template-content';

export function planTemplateLoaders(em: EntityManager) {
  return { planTemplateById: byIdLoader(em, PlanTemplate) };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof planTemplateLoaders> {}
}

/**
 * Who may create, change and archive an organization's templates: the one
 * rule, here and nowhere else. ADMIN (operators manage every organization,
 * as they manage its providers and patients), and a provider of that
 * organization who coordinates one of its care teams (an active member with
 * the role COORDINATOR).
 */
async function mayManageTemplates(ctx: Context, organizationId: string): Promise<boolean> {
  if (ctx.viewer.isAdmin) return true;
  return (await organizationOfViewer(ctx)) === organizationId && careTeam.isCoordinator(ctx);
}

async function assertMayManage(ctx: Context, organizationId: string): Promise<void> {
  if (!(await mayManageTemplates(ctx, organizationId))) {
    throw forbidden("Only ADMIN or a COORDINATOR of one of the organization's care teams manages its plan templates");
  }
}

/** The caller's organization: a provider's own; null for an operator who is no provider. */
async function organizationOfViewer(ctx: Context): Promise<string | null> {
  if (!ctx.viewer.providerId) return null;
  return (await providers.get(ctx, ctx.viewer.providerId)).organization.id;
}

/** Templates are the organization's, not patient data: its providers read them, and operators (ADMIN). */
async function mayRead(ctx: Context, organizationId: string): Promise<boolean> {
  return ctx.viewer.isAdmin || (await organizationOfViewer(ctx)) === organizationId;
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
    const search = args.search?.trim();
    const where = {
      organization: organizationId,
      ...(args.includeArchived ? {} : { archivedAt: null }),
      ...(args.category ? { category: args.category } : {}),
      ...(search ? { title: { $ilike: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } } : {}),
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
      planTemplates.get(ctx, templateId).catch((err: unknown) => {
        if (err instanceof GraphQLError && err.extensions.code === ErrorCode.NOT_FOUND) {
          throw badInput('templateId', 'templateId names no plan template of your organization');
        }
        throw err;
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
    const timeZone = checkTimeZone(input.timeZone ?? 'UTC');
    const due = await dueTimes(ctx.em, template.tasks, startDate, timeZone);

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
        // A recurring task starts at its first due time and recurs in the plan's time zone (docs/contract.md, "Recurring tasks");
        // what the task refuses names the template's task (`tasks.1.dueAt`: a series cannot start in the past).
        await inField(`tasks.${i}`, async () =>
          tasks.create(await write.context(), {
            carePlanId: plan.id,
            title: task.title,
            kind: task.kind,
            priority: task.priority,
            description: task.description,
            assigneeId: task.assignRole ? (assigneeByRole.get(roleKey(task.assignRole)) ?? null) : null,
            dueAt: due[i],
            recurrence: task.recurrence ? { rule: task.recurrence, timeZone } : null,
          }),
        );
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
