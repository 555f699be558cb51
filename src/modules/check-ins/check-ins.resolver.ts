import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/pagination';
import { Event, subjectOf } from '../../events/event.entity';
import { Measure, measures } from '../measures';
import { Patient } from '../patients';
import { Provider, providers } from '../providers';
import { CheckIn, Observation } from './check-in.entity';
import { CheckInConnection, MeasureTrend, ObservationConnection, RecordCheckInInput, ReportCheckInInput } from './check-in.types';
import { checkIns } from './check-ins.service';

@Resolver(() => CheckIn)
export class CheckInResolver {
  @Mutation(() => CheckIn, {
    description:
      'A care-team member records values taken at one time (weight, blood pressure, pain, PHQ-9 …). Records CHECK_IN_RECORDED; a value that meets ' +
      'a warning-sign rule of the active plan raises an alert and an urgent task in the same change. BAD_USER_INPUT (naming the value) for an ' +
      'unknown measure, a value out of range, a wrong unit or a time in the future; nothing is recorded then.',
  })
  recordCheckIn(
    @Arg('input', { description: 'The patient, when, who reported, and the values.' }) input: RecordCheckInInput,
    @Ctx() ctx: Context,
  ) {
    return checkIns.record(ctx, input);
  }

  @Mutation(() => CheckIn, {
    description:
      'The patient (a patient token), or a caregiver whose consent includes REPORT_CHECK_INS, reports values taken at home: source PATIENT or ' +
      'CAREGIVER from the token, `recordedBy` null. The same checks, warning-sign rules and alerts as `recordCheckIn`. NOT_FOUND without the scope; ' +
      'FORBIDDEN for providers and operators (they use `recordCheckIn`).',
  })
  reportCheckIn(@Arg('input', { description: 'When, and the values.' }) input: ReportCheckInInput, @Ctx() ctx: Context) {
    return checkIns.report(ctx, input);
  }

  @FieldResolver(() => [Observation], { description: 'The values, one per measure.' })
  observations(@Root() checkIn: CheckIn, @Ctx() ctx: Context) {
    return checkIns.observationsOf(ctx, checkIn);
  }

  @FieldResolver(() => Provider, {
    nullable: true,
    description:
      'The team member who recorded it; null when the patient or a caregiver reported it themself (`source` PATIENT or CAREGIVER).',
  })
  recordedBy(@Root() checkIn: CheckIn, @Ctx() ctx: Context) {
    return checkIn.recordedBy ? providers.get(ctx, checkIn.recordedBy.id) : null;
  }
}

@Resolver(() => Observation)
export class ObservationResolver {
  @FieldResolver(() => Measure, { description: 'What was measured.' })
  measure(@Root() observation: Observation, @Ctx() ctx: Context) {
    return measures.get(ctx, observation.measureCode, 'measure');
  }

  @FieldResolver(() => String, { description: "The unit of `value` in UCUM (the measure's unit)." })
  async unit(@Root() observation: Observation, @Ctx() ctx: Context) {
    return (await measures.get(ctx, observation.measureCode, 'measure')).unit;
  }

  @FieldResolver(() => CheckIn, { description: 'The check-in it was recorded with.' })
  checkIn(@Root() observation: Observation, @Ctx() ctx: Context) {
    return checkIns.get(ctx, observation.checkIn.id);
  }
}

/** `Patient.checkIns`, `Patient.observations`, `Patient.trend`. */
@Resolver(() => Patient)
export class PatientCheckInsResolver {
  @FieldResolver(() => CheckInConnection, { description: "The patient's check-ins, newest taken first. Clinical content." })
  checkIns(@Root() patient: Patient, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return checkIns.ofPatient(ctx, patient.id, args);
  }

  @FieldResolver(() => ObservationConnection, { description: "The patient's values of one measure, newest taken first. Clinical content." })
  observations(
    @Root() patient: Patient,
    @Arg('measure', { description: 'The measure\'s code, e.g. "29463-7" (BAD_USER_INPUT when unknown).' }) measure: string,
    @Arg('since', () => Date, { nullable: true, description: 'Only values taken at or after this time.' }) since: Date | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return checkIns.observations(ctx, patient.id, measure, since, args);
  }

  @FieldResolver(() => MeasureTrend, {
    description: "One measure's course over the last `days` days (latest, previous, min, max, change, points). Clinical content.",
  })
  trend(
    @Root() patient: Patient,
    @Arg('measure', { description: 'The measure\'s code, e.g. "29463-7" (BAD_USER_INPUT when unknown).' }) measure: string,
    @Arg('days', () => Int, { defaultValue: 30, description: 'The window in days, 1–366, ending now.' }) days: number,
    @Ctx() ctx: Context,
  ) {
    return checkIns.trend(ctx, patient.id, measure, days);
  }
}

/** `Event.checkIn`: the check-in the event concerns. */
@Resolver(() => Event)
export class EventCheckInResolver {
  @FieldResolver(() => CheckIn, { nullable: true, description: 'The check-in the event concerns; null for events not about a check-in.' })
  checkIn(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'CheckIn');
    return id ? checkIns.get(ctx, id) : null;
  }
}
