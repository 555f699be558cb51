import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';
import { NonBlank } from '../../graphql/validation';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { Connection, PageArgs } from '../../graphql/pagination';
import { AllergyCriticality } from './patient.embeddables';
import { Patient } from './patient.entity';

@InputType()
export class AllergyInput {
  @Field() @NonBlank(200) substance!: string;
  @Field(() => String, { nullable: true }) @MaxLength(500) reaction?: string | null;
  @Field(() => AllergyCriticality) criticality!: AllergyCriticality;
}

@InputType()
export class SupportContactInput {
  @Field() @NonBlank(200) name!: string;
  @Field() @NonBlank(100) relationship!: string;
  @Field(() => String, { nullable: true }) @MaxLength(50) phone?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(320) email?: string | null;
  @Field({ defaultValue: false }) isCaregiver!: boolean;
}

@InputType()
export class ConditionInput {
  @Field() @NonBlank(300) name!: string;
  @Field(() => String, { nullable: true }) @MaxLength(20) code?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(30) since?: string | null;
}

@InputType()
export class MedicationInput {
  @Field() @NonBlank(300) name!: string;
  @Field(() => String, { nullable: true }) @MaxLength(100) dose?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(100) frequency?: string | null;
}

/** Fields of the clinical record shared by create and update. Without @InputType() type-graphql does not pass them on to the subclasses (the base itself is never used, so never printed). */
@InputType()
abstract class PatientRecordFields {
  @Field(() => String, { nullable: true }) @MaxLength(35) preferredLanguage?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(20000) history?: string | null;

  @Field(() => [String], { nullable: true }) @ArrayMaxSize(50) @MaxLength(1000, { each: true })
  preferences?: string[] | null;

  @Field(() => [String], { nullable: true }) @ArrayMaxSize(50) @MaxLength(1000, { each: true })
  personalGoals?: string[] | null;

  @Field(() => [SupportContactInput], { nullable: true }) @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  supportNetwork?: SupportContactInput[] | null;

  @Field(() => [AllergyInput], { nullable: true }) @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  allergies?: AllergyInput[] | null;

  @Field(() => [ConditionInput], { nullable: true }) @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  conditions?: ConditionInput[] | null;

  @Field(() => [MedicationInput], { nullable: true }) @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  medications?: MedicationInput[] | null;
}

@InputType()
export class CreatePatientInput extends PatientRecordFields {
  @Field(() => ID) organizationId!: string;
  @Field() @NonBlank(64) mrn!: string;
  @Field() @NonBlank(200) name!: string;
  @Field(() => DateResolver) birthDate!: Date;
}

@InputType({ description: 'Lists given here replace the stored list; fields left out stay as they are.' })
export class UpdatePatientInput extends PatientRecordFields {
  @Field(() => ID) id!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => String, { nullable: true }) @NonBlank(200) name?: string | null;
}

@ArgsType()
export class PatientsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Part of the name (case-insensitive), or the exact MRN.' })
  @MaxLength(200)
  search?: string | null;
}

export const PatientConnection = Connection(Patient, 'Patient');
