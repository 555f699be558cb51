import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../core/context';
import { ErrorCode } from '../core/errors';
import { typeOfId } from '../core/ids';
import type { NodeFetcher } from '../core/module';
import { Node } from '../core/node';
import { events } from '../events/events.service';
import { MODULES } from './modules';

/** `node(id:)` for every Node type: the kernel's Event and each module's, each through its own service and access rule. */
const FETCH: Record<string, NodeFetcher> = Object.assign({ Event: events.get }, ...MODULES.map((module) => module.nodes ?? {}));

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by id; null when it does not exist for the caller.' })
  async node(@Arg('id', () => ID, { description: 'Any id the API returned.' }) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const type = typeOfId(id);
    const fetch = type ? FETCH[type] : undefined;
    if (!fetch) return null;
    try {
      return (await fetch(ctx, id)) as Node | null;
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === ErrorCode.NOT_FOUND) return null;
      throw err;
    }
  }
}
