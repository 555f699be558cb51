import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum MeasureValueType {
  QUANTITY = 'QUANTITY',
  CODED = 'CODED',
  QUESTIONNAIRE = 'QUESTIONNAIRE',
}
registerEnumType(MeasureValueType, {
  name: 'MeasureValueType',
  description: 'How a value of the measure is given in a check-in.',
  valuesConfig: {
    QUANTITY: { description: "A number in the measure's unit, within its range (`value`; an integer when `integer` is true)." },
    CODED: { description: "One of the measure's answer codes (`code`)." },
    QUESTIONNAIRE: {
      description: "Every item's answer (`answers`); the server computes the total (the value), the severity band and the flags.",
    },
  },
});

/** The code system of LOINC codes; measures a clinic adds use LOCAL_SYSTEM. */
export const LOINC_SYSTEM = 'http://loinc.org';
export const LOCAL_SYSTEM = 'urn:carehub:measure';

@ObjectType({ simpleResolvers: true, description: 'One allowed answer of a CODED measure.' })
export class MeasureOption {
  @Field({ description: 'The code a check-in gives, e.g. "HEALING".' })
  code!: string;

  @Field({ description: 'What it means, as shown to the team, e.g. "Healing as expected".' })
  display!: string;
}

/**
 * An entry of the measure catalogue: what a check-in can record. The hub
 * ships the measures of docs/contract.md (migration "measures"); an operator
 * adds a clinic's own with `createMeasure`. Not patient data.
 */
@Entity({ tableName: 'measure' })
@ObjectType({
  simpleResolvers: true,
  description: 'Something a check-in can record: a vital sign, a score, a questionnaire, a coded status.',
})
export class Measure {
  [OptionalProps]?: 'integer' | 'options' | 'createdAt' | 'minValue' | 'maxValue' | 'system';

  @PrimaryKey({ type: 'text' })
  @Field({
    description: 'The code check-ins and rules name the measure by: a LOINC code such as "29463-7" (body weight), or a clinic\'s own code.',
  })
  code!: string;

  @Property({ type: 'text' })
  @Field({ description: 'The code system: "http://loinc.org" for LOINC codes, "urn:carehub:measure" for the hub\'s and clinics\' own.' })
  system: string = LOINC_SYSTEM;

  @Property({ type: 'text' })
  @Field({ description: 'The name shown to the team, e.g. "Body weight".' })
  name!: string;

  @Property({ type: 'text' })
  @Field({ description: 'The unit of its values in UCUM, e.g. "kg", "mm[Hg]", "/min", "%", "Cel", "{score}"; "1" for coded answers.' })
  unit!: string;

  @Enum({ items: () => MeasureValueType })
  @Field(() => MeasureValueType, { description: 'How a check-in gives a value of it.' })
  valueType!: MeasureValueType;

  @Property({ type: 'boolean' })
  @Field({ description: 'True when values are whole numbers (steps, scores).' })
  integer: boolean = false;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: "The lowest valid value (a questionnaire's lowest total); null for CODED measures." })
  minValue: number | null = null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, {
    nullable: true,
    description: "The highest valid value (a questionnaire's highest total); null for CODED measures.",
  })
  maxValue: number | null = null;

  @Property({ type: 'jsonb' })
  @Field(() => [MeasureOption], { description: 'The allowed answers of a CODED measure, in order; empty for the others.' })
  options: MeasureOption[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
