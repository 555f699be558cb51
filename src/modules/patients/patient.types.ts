import { NonBlank } from '../../core/validation';
import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';

import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { Connection, PageArgs } from '../../core/pagination';
import { SafetyMatch } from '../medication-safety';
import { AllergyCriticality } from './patient.embeddables';
import { Patient } from './patient.entity';

@InputType({ description: 'A known allergy or intolerance, as recorded on the patient.' })
export class AllergyInput {
  @Field({ description: 'What the patient reacts to, 1–200 characters, e.g. "penicillin".' }) @NonBlank(200) substance!: string;
  @Field(() => String, { nullable: true, description: 'The reaction observed, up to 500 characters, e.g. "hives".' })
  @MaxLength(500)
  reaction?: string | null;
  @Field(() => AllergyCriticality, { description: 'How dangerous a reaction could be.' }) criticality!: AllergyCriticality;
}

@InputType({ description: 'A family member or caregiver the care team may contact.' })
export class SupportContactInput {
  @Field({ description: 'Full name, 1–200 characters.' }) @NonBlank(200) name!: string;
  @Field({ description: 'How they relate to the patient, 1–100 characters, e.g. "daughter".' }) @NonBlank(100) relationship!: string;
  @Field(() => String, { nullable: true, description: 'Phone number as it should be dialled, up to 50 characters.' })
  @MaxLength(50)
  phone?: string | null;
  @Field(() => String, { nullable: true, description: 'Email address, up to 320 characters.' }) @MaxLength(320) email?: string | null;
  @Field({ defaultValue: false, description: 'True when they take part in day-to-day care.' }) isCaregiver!: boolean;
}

@InputType({ description: 'A diagnosed condition.' })
export class ConditionInput {
  @Field({ description: 'The condition, 1–300 characters, e.g. "Heart failure".' }) @NonBlank(300) name!: string;
  @Field(() => String, { nullable: true, description: 'A code such as ICD-10 "I50.9", up to 20 characters.' }) @MaxLength(20) code?:
    string | null;
  @Field(() => String, { nullable: true, description: 'Onset as known, up to 30 characters: a year "2019" or a date "2019-03-02".' })
  @MaxLength(30)
  since?: string | null;
}

@InputType({ description: 'A medication the patient currently takes.' })
export class MedicationInput {
  @Field({ description: 'Drug name, 1–300 characters.' }) @NonBlank(300) name!: string;
  @Field(() => String, { nullable: true, description: 'Dose with its unit, up to 100 characters, e.g. "40 mg".' }) @MaxLength(100) dose?:
    string | null;
  @Field(() => String, { nullable: true, description: 'How often, up to 100 characters, e.g. "once daily".' }) @MaxLength(100) frequency?:
    string | null;
}

/** Fields of the clinical record shared by create and update. Without @InputType() type-graphql does not pass them on to the subclasses (the base itself is never used, so never printed). */
@InputType()
abstract class PatientRecordFields {
  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, up to 35 characters, e.g. "es-MX"; blank clears it.' })
  @MaxLength(35)
  preferredLanguage?: string | null;

  @Field(() => String, { nullable: true, description: 'Medical and social history as narrative, up to 20,000 characters; null clears it.' })
  @MaxLength(20000)
  history?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "The patient's stated preferences, up to 50 of up to 1,000 characters; blank entries are dropped.",
  })
  @ArrayMaxSize(50)
  @MaxLength(1000, { each: true })
  preferences?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: "Goals in the patient's own words, up to 50 of up to 1,000 characters; blank entries are dropped.",
  })
  @ArrayMaxSize(50)
  @MaxLength(1000, { each: true })
  personalGoals?: string[] | null;

  @Field(() => [SupportContactInput], { nullable: true, description: 'Family and caregivers to contact, up to 50.' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  supportNetwork?: SupportContactInput[] | null;

  @Field(() => [AllergyInput], { nullable: true, description: 'Known allergies and intolerances, up to 200.' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  allergies?: AllergyInput[] | null;

  @Field(() => [ConditionInput], { nullable: true, description: 'Diagnosed conditions, up to 200.' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conditions?: ConditionInput[] | null;

  @Field(() => [MedicationInput], {
    nullable: true,
    description:
      'Current medications, up to 200. A medication added (not one already recorded, whatever its dose) that conflicts with a recorded allergy is SAFETY_CONFLICT unless `overrideReason` is given.',
  })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  medications?: MedicationInput[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why medications being added should be recorded although they conflict with a recorded allergy (SAFETY_CONFLICT otherwise), up to 1,000 characters; ' +
      'kept on the event (`safetyOverride`) and the audit trail. Blank counts as none; ignored when nothing conflicts.',
  })
  @MaxLength(1000)
  overrideReason?: string | null;
}

@InputType({ description: 'A new patient: identity and, optionally, the clinical record. Violations are BAD_USER_INPUT with the field.' })
export class CreatePatientInput extends PatientRecordFields {
  @Field(() => ID, { description: 'The organization that registers the patient (an Organization id).' }) organizationId!: string;
  @Field({ description: 'Medical record number, 1–64 characters, unique within the organization (BAD_USER_INPUT on `mrn` if taken).' })
  @NonBlank(64)
  mrn!: string;
  @Field({ description: 'Full name, 1–200 characters.' }) @NonBlank(200) name!: string;
  @Field(() => DateResolver, { description: 'Date of birth, YYYY-MM-DD, between 1900-01-01 and today.' }) birthDate!: Date;
}

@InputType({ description: 'Lists given here replace the stored list; fields left out stay as they are.' })
export class UpdatePatientInput extends PatientRecordFields {
  @Field(() => ID, { description: 'The patient to update.' }) id!: string;
  @Field(() => Int, { description: 'The `version` the change is based on; a stale one is CONFLICT and changes nothing.' })
  expectedVersion!: number;
  @Field(() => String, { nullable: true, description: 'New full name, 1–200 characters; left out keeps the name.' }) @NonBlank(200) name?:
    string | null;
}

@ArgsType()
export class PatientsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Part of the name (case-insensitive), or the exact MRN.' })
  @MaxLength(200)
  search?: string | null;
}

export const PatientConnection = Connection(Patient, 'Patient');

@ObjectType({
  simpleResolvers: true,
  description:
    'A recorded medication that conflicts with a recorded allergy, as the allergy–medication safety check sees it: a safety net over a small curated table, not a drug database.',
})
export class MedicationConflict {
  @Field({ description: "The allergy's substance, as recorded." }) allergy!: string;
  @Field({ description: 'The medication, as recorded.' }) medication!: string;
  @Field(() => AllergyCriticality, { description: "The allergy's criticality: how serious a reaction could be." })
  criticality!: AllergyCriticality;
  @Field(() => SafetyMatch, { description: 'The same substance, the same class, or a documented cross-reaction.' }) match!: SafetyMatch;
  @Field(() => String, {
    nullable: true,
    description:
      'The drug class through which they conflict (the medication\'s, for a cross-reaction), e.g. "penicillins"; null for the same substance.',
  })
  drugClass!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'What a clinician should know about this kind of conflict (how likely a cross-reaction is, exceptions); null when nothing.',
  })
  note!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The drug in the medication that conflicts, as the check names it (e.g. "amoxicillin" in "Augmentin 625 mg"); null for a name the check does not know.',
  })
  ingredient!: string | null;
}

@InputType({
  description: "The patient's own preferences and personal goals, in their own words (each list, when given, replaces the stored one).",
})
export class UpdateMyPreferencesInput {
  @Field(() => Int, { nullable: true, description: 'The record version the change is based on; CONFLICT when the record changed since.' })
  expectedVersion?: number | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'What the patient prefers, e.g. "prefers therapy over medication": up to 50 of up to 1,000 characters; blank entries are dropped.',
  })
  @ArrayMaxSize(50)
  @MaxLength(1000, { each: true })
  preferences?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'What matters to the patient, e.g. "walk to the market again": up to 50 of up to 1,000 characters; blank entries are dropped.',
  })
  @ArrayMaxSize(50)
  @MaxLength(1000, { each: true })
  personalGoals?: string[] | null;
}

@ObjectType({ description: "The patient's own preferences and personal goals as stored, after `updateMyPreferences`." })
export class MyPreferences {
  @Field(() => [String], { description: 'What the patient prefers, in their own words.' }) preferences!: string[];
  @Field(() => [String], { description: 'What matters to the patient, in their own words.' }) personalGoals!: string[];
  @Field(() => Date, { nullable: true, description: 'When the patient last stated them; null if clinicians entered them.' })
  statedByPatientAt!: Date | null;
  @Field(() => Int, { description: "The record's version after the change (for the next expectedVersion)." }) version!: number;
}
