import { Field, ID, InputType } from 'type-graphql';
import { access } from '../../auth/access';
import { ActorKind } from '../../core/audit-record.entity';
import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { expectId } from '../../core/ids';
import { withNote, writePatient } from '../../core/patient-write';
import { NonBlank } from '../../core/validation';
import { defineEventTypes } from '../../events/event-types';
import { CarePlan, CarePlanStatus, carePlans } from '../care-plans';
import { Patient } from '../patients';
import { providers } from '../providers';
import { PatientMessage } from './patient-message.entity';

export const PatientMessageEvent = defineEventTypes({
  PATIENT_MESSAGE_SENT:
    'The patient, or a caregiver for them, wrote to the care team on a care plan; `note` holds the message. Dashboards show it to the team.',
  CARE_TEAM_REPLIED: 'A team member answered the patient on a care plan; `note` holds the answer, which the patient side receives.',
});

@InputType({ description: 'A message from the patient side to the care team.' })
export class SendMessageToCareTeamInput {
  @Field({ description: 'The message, 1–5,000 characters.' }) @NonBlank(5000) body!: string;
}

@InputType({ description: "A team member's answer to the patient." })
export class ReplyToPatientInput {
  @Field(() => ID, { description: "The care plan whose messages to answer on (the patient's)." }) carePlanId!: string;
  @Field({ description: 'The answer, 1–5,000 characters.' }) @NonBlank(5000) body!: string;
}

export const patientMessages = {
  /**
   * The patient, or a caregiver with MESSAGE_TEAM, writes to the team on the
   * patient's active plan (the newest, when several; BAD_USER_INPUT when
   * there is none): one write, PATIENT_MESSAGE_SENT with the message.
   */
  async send(ctx: Context, input: SendMessageToCareTeamInput): Promise<PatientMessage> {
    const patientId = access.requirePatientSide(ctx);
    await access.assertActsFor(ctx, patientId, 'MESSAGE_TEAM');
    const body = input.body.trim();
    return writePatient(ctx, patientId, async (write) => {
      await access.assertStillConsented(write.em, ctx, patientId, 'MESSAGE_TEAM');
      const plan = await write.em.findOne(
        CarePlan,
        { patient: patientId, status: CarePlanStatus.ACTIVE },
        { orderBy: { createdAt: 'desc', id: 'desc' } },
      );
      if (!plan) throw badInput('body', 'There is no active care plan to write on yet');
      const patient = await write.em.findOneOrFail(Patient, patientId);
      const kind = ctx.viewer.kind === 'PATIENT' ? ActorKind.PATIENT : ActorKind.CAREGIVER;
      const authorName =
        kind === ActorKind.PATIENT ? patient.name : (patient.supportNetwork.find((c) => c.id === ctx.viewer.sub)?.name ?? 'A caregiver');
      const message = write.em.create(PatientMessage, {
        carePlan: plan,
        patient: patientId,
        authorKind: kind,
        authorName,
        authorSub: ctx.viewer.sub,
        body,
      });
      write.event({
        type: PatientMessageEvent.PATIENT_MESSAGE_SENT,
        summary: withNote(`${authorName} wrote to the care team on "${plan.title}"`, body),
        subjects: [plan.id, message.id],
        note: body,
      });
      return message;
    });
  },

  /** Any active team member answers on a plan of their patient: one write, CARE_TEAM_REPLIED. */
  async reply(ctx: Context, input: ReplyToPatientInput): Promise<PatientMessage> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const authorId = await access.assertMember(ctx, plan.patient.id);
    const body = input.body.trim();
    return writePatient(ctx, plan.patient.id, async (write) => {
      const name = await providers.names(write.em, [authorId]);
      const message = write.em.create(PatientMessage, {
        carePlan: plan.id,
        patient: plan.patient.id,
        authorKind: ActorKind.PROVIDER,
        authorName: name(authorId),
        authorSub: authorId,
        body,
      });
      write.event({
        type: PatientMessageEvent.CARE_TEAM_REPLIED,
        summary: withNote(`${name(authorId)} answered the patient on "${plan.title}"`, body),
        subjects: [plan.id, message.id],
        note: body,
      });
      return message;
    });
  },

  /** A plan's messages, oldest first; whoever may see them checked beforehand. */
  ofPlan(ctx: Context, planId: string): Promise<PatientMessage[]> {
    return ctx.em.find(PatientMessage, { carePlan: planId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  },
};
