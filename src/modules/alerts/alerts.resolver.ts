import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Event, subjectOf } from '../../events/event.entity';
import { CarePlan, carePlans } from '../care-plans';
import { CheckIn, checkIns } from '../check-ins';
import { Patient, patients } from '../patients';
import { Provider, providers } from '../providers';
import { Task, tasks } from '../tasks';
import { WarningSignRule, warningSigns } from '../warning-signs';
import { Alert } from './alert.entity';
import { AcknowledgeAlertInput, AlertConnection, AlertListArgs, ResolveAlertInput } from './alert.types';
import { alerts } from './alerts.service';

@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, {
    description: "The caller's alert worklist: alerts of every patient whose care team they are on, newest first (FORBIDDEN for ADMIN).",
  })
  myAlerts(@Args(() => AlertListArgs) args: AlertListArgs, @Ctx() ctx: Context) {
    return alerts.mine(ctx, args);
  }

  @Mutation(() => Alert, { description: 'A team member takes an OPEN alert (INVALID_TRANSITION otherwise). Records ALERT_ACKNOWLEDGED.' })
  acknowledgeAlert(
    @Arg('input', { description: 'The alert, its expected version and a note.' }) input: AcknowledgeAlertInput,
    @Ctx() ctx: Context,
  ) {
    return alerts.acknowledge(ctx, input);
  }

  @Mutation(() => Alert, {
    description: 'A team member resolves an OPEN or ACKNOWLEDGED alert with a note (INVALID_TRANSITION otherwise). Records ALERT_RESOLVED.',
  })
  resolveAlert(
    @Arg('input', { description: 'The alert, its expected version and how it was dealt with.' }) input: ResolveAlertInput,
    @Ctx() ctx: Context,
  ) {
    return alerts.resolve(ctx, input);
  }

  @FieldResolver(() => Patient, { description: 'The patient.' })
  patient(@Root() alert: Alert, @Ctx() ctx: Context) {
    return patients.get(ctx, alert.patient.id);
  }

  @FieldResolver(() => CarePlan, { description: 'The care plan whose warning sign (or expected check-in) it is.' })
  carePlan(@Root() alert: Alert, @Ctx() ctx: Context) {
    return carePlans.get(ctx, alert.carePlan.id);
  }

  @FieldResolver(() => WarningSignRule, { nullable: true, description: 'The rule that fired; null for a missed check-in.' })
  rule(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.rule ? warningSigns.get(ctx, alert.rule.id) : null;
  }

  @FieldResolver(() => CheckIn, { nullable: true, description: 'The check-in that made it fire; null for a missed check-in.' })
  checkIn(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.checkIn ? checkIns.get(ctx, alert.checkIn.id) : null;
  }

  @FieldResolver(() => Task, { nullable: true, description: 'The urgent task raised with it.' })
  task(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.task ? tasks.get(ctx, alert.task.id) : null;
  }

  @FieldResolver(() => Provider, { nullable: true, description: 'Who acknowledged it; null until then.' })
  acknowledgedBy(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.acknowledgedBy ? providers.get(ctx, alert.acknowledgedBy.id) : null;
  }

  @FieldResolver(() => Provider, { nullable: true, description: 'Who resolved it; null until then.' })
  resolvedBy(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.resolvedBy ? providers.get(ctx, alert.resolvedBy.id) : null;
  }

  @FieldResolver(() => Date, { description: 'When it was raised (ISO 8601 with zone).' })
  raisedAt(@Root() alert: Alert) {
    return alert.createdAt;
  }
}

/** `Patient.alerts`. */
@Resolver(() => Patient)
export class PatientAlertsResolver {
  @FieldResolver(() => AlertConnection, { description: "The patient's alerts, newest first (default: not resolved). Clinical content." })
  alerts(@Root() patient: Patient, @Args(() => AlertListArgs) args: AlertListArgs, @Ctx() ctx: Context) {
    return alerts.ofPatient(ctx, patient.id, args);
  }
}

/** `Event.alert`. */
@Resolver(() => Event)
export class EventAlertResolver {
  @FieldResolver(() => Alert, { nullable: true, description: 'The alert the event concerns; null for other events.' })
  alert(@Root() event: Event, @Ctx() ctx: Context) {
    const id = subjectOf(event, 'Alert');
    return id ? alerts.get(ctx, id) : null;
  }
}
