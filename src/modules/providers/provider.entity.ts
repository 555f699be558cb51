import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../db/ids';
import { Node } from '../../graphql/node';
import { Organization } from '../organizations/organization.entity';

export enum Discipline {
  PHYSICIAN = 'PHYSICIAN',
  SPECIALIST = 'SPECIALIST',
  THERAPIST = 'THERAPIST',
  NURSE = 'NURSE',
}
registerEnumType(Discipline, { name: 'Discipline', description: 'The kind of clinician.' });

@Entity({ tableName: 'provider' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A clinician: physician, specialist, therapist or nurse.' })
@Directive('@key(fields: "id")')
export class Provider implements Node {
  [OptionalProps]?: 'createdAt' | 'phone' | 'specialty';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID)
  id: string = newId('Provider');

  @ManyToOne(() => Organization, { ref: true, index: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Enum({ items: () => Discipline })
  @Field(() => Discipline)
  discipline!: Discipline;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free text, e.g. "cardiology", "CBT".' })
  specialty: string | null = null;

  /** Stored lower-cased; unique so a login maps to one provider. */
  @Property({ type: 'text' })
  @Unique()
  @Field()
  email!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  phone: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();
}

