import { ArrayMaxSize, Length, MaxLength } from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { NonBlank } from '../../core/validation';
import { MeasureValueType } from './measure.entity';

@InputType({ description: 'One allowed answer of a new CODED measure.' })
export class MeasureOptionInput {
  @Field({ description: 'The code check-ins give, 1–64 characters.' }) @Length(1, 64) code!: string;
  @Field({ description: 'What it means, 1–200 characters.' }) @NonBlank(200) display!: string;
}

@InputType({ description: "A clinic's own measure for the catalogue." })
export class CreateMeasureInput {
  @Field({ description: 'Its code: 1–64 letters, digits, ".", "_", ":" or "-"; must not exist yet (BAD_USER_INPUT).' }) code!: string;
  @Field({ description: 'The name shown to the team, 1–200 characters.' }) @NonBlank(200) name!: string;
  @Field({ description: 'The UCUM unit of a QUANTITY, e.g. "cm" or "{score}"; ignored for CODED ("1").' }) @NonBlank(30) unit!: string;
  @Field(() => MeasureValueType, { description: 'QUANTITY or CODED (QUESTIONNAIRE is BAD_USER_INPUT: the server scores only its own).' })
  valueType!: MeasureValueType;
  @Field(() => Boolean, { nullable: true, description: 'True when values are whole numbers; default false.' }) integer?: boolean | null;
  @Field(() => Float, { nullable: true, description: 'The lowest valid value of a QUANTITY (required there).' }) minValue?: number | null;
  @Field(() => Float, { nullable: true, description: 'The highest valid value of a QUANTITY (required there).' }) maxValue?: number | null;
  @Field(() => [MeasureOptionInput], { nullable: true, description: 'The 2–50 answers of a CODED measure, in the order to show them.' })
  @ArrayMaxSize(50)
  options?: MeasureOptionInput[] | null;
}

@InputType({
  description: "One value of a check-in: give exactly the one of value, code or answers that the measure's valueType asks for.",
})
export class MeasureValueInput {
  @Field({ description: 'The measure\'s code, e.g. "29463-7" (body weight); BAD_USER_INPUT when unknown.' })
  @MaxLength(64)
  measure!: string;
  @Field(() => Float, { nullable: true, description: "A QUANTITY measure's value, within its range." }) value?: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The unit the value is in; when given it must be the measure's own UCUM unit (BAD_USER_INPUT otherwise). No conversion is done.",
  })
  @MaxLength(30)
  unit?: string | null;
  @Field(() => String, { nullable: true, description: "A CODED measure's answer code." }) @MaxLength(64) code?: string | null;
  @Field(() => [Int], { nullable: true, description: "A questionnaire's answers, one per item in order, each 0–3." })
  @ArrayMaxSize(50)
  answers?: number[] | null;
}
