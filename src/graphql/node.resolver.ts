import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { typeOfId, type NodeTypeName } from '../db/ids';
import { Event } from '../events/event.entity';
import { access } from '../auth/access';
import { carePlans } from '../modules/care-plans/care-plans.service';
import { CareTeamMember } from '../modules/care-team/care-team-member.entity';
import { goals } from '../modules/goals/goals.service';
import { organizations } from '../modules/organizations/organizations.service';
import { patients } from '../modules/patients/patients.service';
import { providers } from '../modules/providers/providers.service';
import { TaskNote } from '../modules/tasks/task.entity';
import { tasks } from '../modules/tasks/tasks.service';
import type { Context } from './context';
import { ErrorCode } from './errors';
import { Node } from './node';

/** Loads any node through its own service, so `node(id:)` applies the same access rules. */
const FETCH: Record<NodeTypeName, (ctx: Context, id: string) => Promise<Node | null>> = {
  Organization: organizations.get,
  Provider: providers.load,
  Patient: patients.get,
  CarePlan: carePlans.get,
  Goal: goals.get,
  Task: tasks.get,
  CareTeamMember: async (ctx, id) => patientScoped(ctx, await ctx.em.findOne(CareTeamMember, id), true),
  TaskNote: async (ctx, id) => patientScoped(ctx, await ctx.em.findOne(TaskNote, id), false),
  Event: async (ctx, id) => patientScoped(ctx, await ctx.em.findOne(Event, id), false),
};

async function patientScoped<T extends { patient: { id: string } }>(ctx: Context, row: T | null, administrative: boolean) {
  if (!row) return null;
  if (administrative) await access.assertCanSeePatientRecord(ctx, row.patient.id);
  else await access.assertCanSeePatient(ctx, row.patient.id);
  return row as unknown as Node;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by id; null when it does not exist for the caller.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const type = typeOfId(id);
    if (!type) return null;
    try {
      return await FETCH[type](ctx, id);
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === ErrorCode.NOT_FOUND) return null;
      throw err;
    }
  }
}
