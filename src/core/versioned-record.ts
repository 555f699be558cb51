import { Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';

/**
 * What every versioned object of the care record carries (patients, plans,
 * goals, tasks): `version`, MikroORM's optimistic lock, +1 on every change,
 * which edits carry as `expectedVersion` (a stale one is CONFLICT); and when
 * it was created and last changed. Entities extend it instead of repeating
 * the three columns.
 */
// type-graphql passes a decorated base class's fields on to its subclasses; no field returns the base, so it is no type of the schema.
@ObjectType()
export abstract class VersionedRecord {
  @Property({ type: 'integer', version: true })
  @Field(() => Int, {
    description:
      'Starts at 1, +1 on every change; edits pass it back as `expectedVersion` (a stale one is CONFLICT with `extensions.currentVersion`).',
  })
  version: number = 1;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was created (ISO 8601 with zone).' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  @Field({ description: 'When it last changed (ISO 8601 with zone); equals createdAt until the first change.' })
  updatedAt: Date = new Date();
}
