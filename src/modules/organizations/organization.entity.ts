import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { defineIdType } from '../../core/ids';
import { Node } from '../../core/node';

export const OrganizationId = defineIdType('Organization', 'org');

@Entity({ tableName: 'organization' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A clinic or practice. Providers belong to one.' })
@Directive('@key(fields: "id")')
export class Organization implements Node {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (starts with "org_").' })
  id: string = OrganizationId.create();

  @Property({ type: 'text' })
  @Field({ description: "The clinic's or practice's display name." })
  name!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was registered (ISO 8601 with zone).' })
  createdAt: Date = new Date();
}
