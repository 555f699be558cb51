import { MaxLength } from 'class-validator';
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { access } from '../../auth/access';
import type { Context } from '../../core/context';
import { badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { withNote, writePatient } from '../../core/patient-write';
import { TaskEvent } from './task-records';
import { APPOINTMENT_KINDS, AppointmentResponse, Task, TaskStatus } from './task.entity';

const OPEN: ReadonlySet<TaskStatus> = new Set([TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD]);

@InputType({ description: "The patient's answer to one of their appointments." })
export class RespondToAppointmentInput {
  @Field(() => ID, {
    description: 'The appointment (a Task of an appointment kind with a start time, from `myRecord.activePlan.upcoming`).',
  })
  taskId!: string;
  @Field(() => AppointmentResponse, { description: 'Confirm or decline.' }) response!: AppointmentResponse;
  @Field(() => String, { nullable: true, description: 'What the patient wants the team to know, up to 2,000 characters.' })
  @MaxLength(2000)
  note?: string | null;
}

@ObjectType({ description: "The patient's answer, as stored." })
export class AppointmentAnswer {
  @Field(() => ID, { description: 'The appointment (Task id).' }) taskId!: string;
  @Field(() => AppointmentResponse, { description: 'The answer.' }) response!: AppointmentResponse;
  @Field({ description: 'When it was given.' }) respondedAt!: Date;
}

/**
 * The patient, or a caregiver whose consent includes MESSAGE_TEAM, confirms
 * or declines an open appointment of the patient's: one write with
 * APPOINTMENT_CONFIRMED or APPOINTMENT_DECLINED (the team sees it on the task
 * and live). Another patient's task, or any task for someone else, is NOT_FOUND.
 */
async function respond(ctx: Context, input: RespondToAppointmentInput): Promise<AppointmentAnswer> {
  const patientId = access.requirePatientSide(ctx);
  const taskId = expectId('Task', input.taskId, 'taskId');
  await access.assertActsFor(ctx, patientId, 'MESSAGE_TEAM');
  return writePatient(ctx, patientId, async (write) => {
    await access.assertStillConsented(write.em, ctx, patientId, 'MESSAGE_TEAM');
    const task = await write.em.findOne(Task, { id: taskId, patient: patientId }, { refresh: true });
    if (!task) throw access.refuse(ctx, null, notFound('Task', taskId));
    if (!APPOINTMENT_KINDS.has(task.kind) || !task.startAt)
      throw badInput('taskId', 'Only an appointment (a task with a start time) can be confirmed or declined');
    if (!OPEN.has(task.status)) throw badInput('taskId', `The appointment is ${task.status.toLowerCase()}`);
    const note = input.note?.trim() || null;
    task.patientResponse = input.response;
    task.patientResponseAt = new Date();
    const who = ctx.viewer.kind === 'PATIENT' ? 'The patient' : 'A caregiver, for the patient,';
    const confirmed = input.response === AppointmentResponse.CONFIRMED;
    write.event({
      type: confirmed ? TaskEvent.APPOINTMENT_CONFIRMED : TaskEvent.APPOINTMENT_DECLINED,
      summary: withNote(`${who} ${confirmed ? 'confirmed' : 'declined'} "${task.title}"`, note),
      subjects: [task.carePlan.id, task.id],
      changes: { patientResponse: { from: null, to: input.response } },
      note,
    });
    return { taskId: task.id, response: input.response, respondedAt: task.patientResponseAt };
  });
}

@Resolver()
export class AppointmentResponseResolver {
  @Mutation(() => AppointmentAnswer, {
    description:
      "The patient, or a caregiver whose consent includes MESSAGE_TEAM, confirms or declines one of the patient's open appointments " +
      "(`Task.patientResponse`). Records APPOINTMENT_CONFIRMED or APPOINTMENT_DECLINED. NOT_FOUND for a task that is not the patient's, " +
      'BAD_USER_INPUT for a task that is no open appointment, FORBIDDEN for providers and operators.',
  })
  respondToAppointment(
    @Arg('input', { description: 'The appointment and the answer.' }) input: RespondToAppointmentInput,
    @Ctx() ctx: Context,
  ) {
    return respond(ctx, input);
  }
}
