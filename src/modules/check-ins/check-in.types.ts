import { ArrayMaxSize, ArrayMinSize, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, ObjectType, Float, Int } from 'type-graphql';
import { Measure, MeasureValueInput } from '../measures';
import { Connection } from '../../core/pagination';
import { CheckIn, CheckInSource, Observation } from './check-in.entity';

@InputType({ description: 'A check-in: values of one or more measures taken at one time.' })
export class RecordCheckInInput {
  @Field(() => ID, { description: 'The patient; the caller must be an active member of the care team.' }) patientId!: string;
  @Field({
    description: 'When the values were taken (ISO 8601 with zone): not in the future (5 minutes of clock drift allowed), not before 2000.',
  })
  takenAt!: Date;
  @Field(() => CheckInSource, { description: 'Who took or reported the values.' }) source!: CheckInSource;
  @Field(() => [MeasureValueInput], {
    description: '1–30 values, each of a different measure; errors name the value as `values.<index>.<field>`.',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  values!: MeasureValueInput[];
  @Field(() => String, { nullable: true, description: 'A note with the values, up to 2,000 characters.' }) @MaxLength(2000) note?:
    string | null;
}

@InputType({ description: "Values the patient or a caregiver reports (the patient is the token's; the source follows from the token)." })
export class ReportCheckInInput {
  @Field({
    description: 'When the values were taken (ISO 8601 with zone): not in the future (5 minutes of clock drift allowed), not before 2000.',
  })
  takenAt!: Date;
  @Field(() => [MeasureValueInput], {
    description: '1–30 values, each of a different measure; errors name the value as `values.<index>.<field>`.',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  values!: MeasureValueInput[];
  @Field(() => String, { nullable: true, description: "A note with the values, in the reporter's words, up to 2,000 characters." })
  @MaxLength(2000)
  note?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One point of a trend: a value and when it was taken.' })
export class TrendPoint {
  @Field({ description: 'When it was taken (ISO 8601 with zone).' }) takenAt!: Date;
  @Field(() => Float, { description: "The value in the measure's unit." }) value!: number;
}

@ObjectType({ simpleResolvers: true, description: "One measure's recent course for a patient, ready to plot." })
export class MeasureTrend {
  @Field(() => Measure, { description: 'The measure.' }) measure!: Measure;
  @Field(() => Int, { description: 'The window in days, ending now.' }) days!: number;
  @Field(() => Observation, {
    nullable: true,
    description: 'The newest value, even when taken before the window; null when none was ever taken.',
  })
  latest!: Observation | null;
  @Field(() => Observation, { nullable: true, description: 'The value before the newest; null when fewer than two were taken.' })
  previous!: Observation | null;
  @Field(() => Int, { description: 'How many values were taken in the window.' }) count!: number;
  @Field(() => Float, { nullable: true, description: 'The lowest value in the window; null when none (or for a CODED measure).' })
  min!: number | null;
  @Field(() => Float, { nullable: true, description: 'The highest value in the window; null when none (or for a CODED measure).' })
  max!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "The window's last value minus its first (positive: rising); null when the window has no value.",
  })
  change!: number | null;
  @Field(() => [TrendPoint], { description: "The window's values, oldest first." }) points!: TrendPoint[];
}

export const CheckInConnection = Connection(CheckIn, 'CheckIn');
export const ObservationConnection = Connection(Observation, 'Observation');
