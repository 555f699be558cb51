import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with an opaque, globally unique id. */
@InterfaceType({ description: 'An object with an opaque, globally unique id (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}
