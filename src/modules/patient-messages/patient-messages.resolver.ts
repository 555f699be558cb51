import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { access } from '../../auth/access';
import type { Context } from '../../core/context';
import { CarePlan } from '../care-plans';
import { PatientMessage } from './patient-message.entity';
import { patientMessages, ReplyToPatientInput, SendMessageToCareTeamInput } from './patient-messages.service';

@Resolver(() => PatientMessage)
export class PatientMessageResolver {
  @Mutation(() => PatientMessage, {
    description:
      'The patient, or a caregiver whose consent includes MESSAGE_TEAM, writes to the care team on the active plan (BAD_USER_INPUT when there is none). ' +
      'Records PATIENT_MESSAGE_SENT, which dashboards receive. NOT_FOUND without the scope; FORBIDDEN for providers and operators.',
  })
  sendMessageToCareTeam(@Arg('input', { description: 'The message.' }) input: SendMessageToCareTeamInput, @Ctx() ctx: Context) {
    return patientMessages.send(ctx, input);
  }

  @Mutation(() => PatientMessage, {
    description:
      "Any active team member answers the patient on a plan's messages (NOT_FOUND for anyone else, ADMIN included, as for plan notes). " +
      'Records CARE_TEAM_REPLIED, which the patient side receives on `myEvents`.',
  })
  replyToPatient(@Arg('input', { description: 'The plan and the answer.' }) input: ReplyToPatientInput, @Ctx() ctx: Context) {
    return patientMessages.reply(ctx, input);
  }
}

/** `CarePlan.patientMessages`: the team's view of the thread with the patient. */
@Resolver(() => CarePlan)
export class CarePlanPatientMessagesResolver {
  @FieldResolver(() => [PatientMessage], {
    description:
      "Messages between the patient side and the team on this plan, oldest first; separate from the team's internal `notes`. Team members only.",
  })
  async patientMessages(@Root() plan: CarePlan, @Ctx() ctx: Context) {
    await access.assertCanSeePatient(ctx, plan.patient.id);
    return patientMessages.ofPlan(ctx, plan.id);
  }
}
