import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ActorKind } from '../../core/audit-record.entity';
import { EventType } from '../../events/event-types';
import { Int } from 'type-graphql';
import { CaregiverConsent } from '../caregiver-consent';
import { PatientMessage } from '../patient-messages';
import { CarePlanCategory } from '../care-plans';
import { CheckInSource } from '../check-ins';
import { CareTeamRoleKind } from '../care-team';
import { GoalStatus } from '../goals';
import { Discipline } from '../providers';
import { AppointmentResponse, TaskKind, TaskStatus } from '../tasks';

/*
 * The patient's view: its own types, in plain language, holding only what the
 * patient and their caregivers may see. Clinicians' internal notes (task
 * notes, plan notes) have no field here, so no path leads to them.
 */

@ObjectType({ description: 'A member of the care team, as the patient sees them: who, what they do, how to reach them.' })
export class MyCareTeamMember {
  @Field({ description: "The clinician's full name." }) name!: string;
  @Field({ description: 'Their role on the team, in the team\'s words, e.g. "primary physician", "home nurse".' }) role!: string;
  @Field(() => CareTeamRoleKind, { description: 'Their role from the vocabulary.' }) roleKind!: CareTeamRoleKind;
  @Field(() => Discipline, { description: 'The kind of clinician.' }) discipline!: Discipline;
  @Field({ description: 'Email to reach them.' }) email!: string;
  @Field(() => String, { nullable: true, description: 'Phone to reach them; null when not given.' }) phone!: string | null;
}

@ObjectType({ description: 'A goal of the plan and how far along it is.' })
export class MyGoal {
  @Field({ description: 'What the goal is, in the words the team agreed with the patient.' }) description!: string;
  @Field(() => String, { nullable: true, description: 'The measurable target, e.g. "walk 30 minutes a day"; null when none.' }) target!:
    string | null;
  @Field(() => String, { nullable: true, description: 'By when (YYYY-MM-DD); null when open.' }) dueDate!: string | null;
  @Field(() => GoalStatus, { description: 'Progress: proposed, being worked towards, achieved or dropped.' }) status!: GoalStatus;
}

@ObjectType({ description: 'Something coming up for the patient: a visit, a call, a test, a medication step.' })
export class MyUpcomingTask {
  @Field(() => ID, { description: 'The Task id (to confirm or decline an appointment).' }) id!: string;
  @Field({ description: 'What it is.' }) title!: string;
  @Field(() => TaskKind, { description: 'What sort of thing it is.' }) kind!: TaskKind;
  @Field(() => TaskStatus, { description: 'Where it stands.' }) status!: TaskStatus;
  @Field(() => Date, { nullable: true, description: 'When it is due; null when not set.' }) dueAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When an appointment starts; null for other tasks.' }) startAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When an appointment ends; null for other tasks.' }) endAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Where, for an appointment; null when not given.' }) location!: string | null;
  @Field(() => String, { nullable: true, description: 'The link of a telehealth appointment; null otherwise.' }) telehealthUrl!:
    string | null;
  @Field(() => String, { nullable: true, description: 'Who of the team will do it; null while unassigned.' }) withName!: string | null;
  @Field(() => AppointmentResponse, {
    nullable: true,
    description: 'An appointment: what the patient side answered; null while not answered.',
  })
  patientResponse!: AppointmentResponse | null;
}

@ObjectType({ description: 'A warning sign and what to do about it.' })
export class MyWarningSign {
  @Field({ description: 'What to look out for, e.g. "weight up 2 kg within 3 days", or a sign the team wrote down.' }) sign!: string;
  @Field(() => String, { nullable: true, description: 'What to do when it happens; null for signs the team wrote without instructions.' })
  whatToDo!: string | null;
}

@ObjectType({ description: "The patient's active plan in plain language." })
export class MyPlan {
  @Field({ description: 'The plan\'s title, e.g. "Heart failure home recovery".' }) title!: string;
  @Field(() => String, { nullable: true, description: "The plan's description; null when none." }) description!: string | null;
  @Field(() => CarePlanCategory, { description: 'What the plan is for.' }) category!: CarePlanCategory;
  @Field({ description: 'Who leads the plan.' }) ownerName!: string;
  @Field(() => [MyGoal], { description: 'Its goals (dropped ones left out), oldest first.' }) goals!: MyGoal[];
  @Field(() => [MyUpcomingTask], { description: 'What is still to come, soonest first (up to 50).' }) upcoming!: MyUpcomingTask[];
  @Field(() => [MyWarningSign], { description: 'Warning signs and what to do.' }) warningSigns!: MyWarningSign[];
}

@ObjectType({ description: 'One value of a check-in.' })
export class MyObservation {
  @Field({ description: 'What was measured, e.g. "Body weight".' }) measure!: string;
  @Field({ description: 'The value in words, e.g. "82.5 kg", "PHQ-9 total 7 (mild)".' }) text!: string;
  @Field(() => Float, { nullable: true, description: 'The number, when the measure has one.' }) value!: number | null;
}

@ObjectType({ description: 'A check-in: values taken at one time.' })
export class MyCheckIn {
  @Field({ description: 'When the values were taken.' }) takenAt!: Date;
  @Field(() => CheckInSource, { description: 'Who took or reported them.' }) source!: CheckInSource;
  @Field(() => [MyObservation], { description: 'The values.' }) values!: MyObservation[];
}

@ObjectType({ description: 'What the patient (or a caregiver acting for them) sees of their own care.' })
export class MyRecord {
  @Field(() => ID, { description: 'The Patient id.' }) patientId!: string;
  @Field(() => ActorKind, { description: 'Who is looking: PATIENT, or a CAREGIVER acting for them.' }) viewerKind!: ActorKind;
  @Field({ description: "The patient's name." }) name!: string;
  @Field({ description: 'Date of birth (YYYY-MM-DD).' }) birthDate!: string;
  @Field(() => String, { nullable: true, description: 'Preferred language; null when not recorded.' }) preferredLanguage!: string | null;
  @Field(() => [String], { description: "The patient's own preferences, in their own words." }) preferences!: string[];
  @Field(() => [String], { description: 'What matters to the patient: their personal goals, in their own words.' })
  personalGoals!: string[];
  @Field(() => Date, {
    nullable: true,
    description: 'When the patient last stated their preferences and personal goals themself; null if clinicians entered them.',
  })
  statedByPatientAt!: Date | null;
  @Field(() => Int, { description: "The record's version: `expectedVersion` for `updateMyPreferences`." }) version!: number;
  @Field(() => [MyCareTeamMember], { description: 'The care team now, and how to reach them.' }) careTeam!: MyCareTeamMember[];
  @Field(() => MyPlan, { nullable: true, description: 'The active plan (the newest when there are several); null when there is none.' })
  activePlan!: MyPlan | null;
  @Field(() => [MyCheckIn], { description: 'The latest check-ins, newest first (up to 50).' }) checkIns!: MyCheckIn[];
  @Field(() => [PatientMessage], {
    description: 'Messages with the care team on the active plan, oldest first; empty when there is no active plan.',
  })
  messages!: PatientMessage[];
  @Field(() => [CaregiverConsent], {
    description: 'The caregivers the patient lets act for them (in force); empty for a caregiver viewer.',
  })
  caregivers!: CaregiverConsent[];
}

@ObjectType({
  description: "A change to the patient's care, as the patient side receives it on `myEvents` (never clinicians' internal notes).",
})
export class MyEvent {
  @Field(() => Int, { description: "Position in the patient's event sequence; pass the last one received as `afterSequence` to resume." })
  sequence!: number;
  @Field(() => EventType, {
    description: 'What kind of change it records. New types appear as the hub grows: ignore those you do not know.',
  })
  type!: string;
  @Field({ description: 'When it happened (ISO 8601 with zone).' }) at!: Date;
  @Field(() => String, {
    nullable: true,
    description: "One line saying what changed; null when it would quote what a clinician wrote for the team (e.g. a hand-over's reason).",
  })
  summary!: string | null;
}
