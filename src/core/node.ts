import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with an opaque, globally unique id. */
@InterfaceType({ description: 'An object with an opaque, globally unique id (Relay).' })
export abstract class Node {
  @Field(() => ID, {
    description: 'Opaque, globally unique id; its prefix names the type ("pat_…", "tsk_…"), but clients should not parse it.',
  })
  id!: string;
}
