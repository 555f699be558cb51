import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';

@Entity({ tableName: 'organization' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A clinic or practice. Providers belong to one.' })
@Directive('@key(fields: "id")')
export class Organization implements Node {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Organization');

  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();
}
