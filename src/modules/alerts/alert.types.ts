import { ArrayMaxSize, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Connection, PageArgs } from '../../core/pagination';
import { NonBlank } from '../../core/validation';
import { Alert, AlertStatus } from './alert.entity';

@ArgsType()
export class AlertListArgs extends PageArgs {
  @Field(() => [AlertStatus], { nullable: true, description: 'Only alerts in these statuses; default OPEN and ACKNOWLEDGED.' })
  @ArrayMaxSize(3)
  status?: AlertStatus[] | null;
}

@InputType({ description: 'Taking an open alert.' })
export class AcknowledgeAlertInput {
  @Field(() => ID, { description: 'The alert.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' }) expectedVersion?: number | null;
  @Field(() => String, { nullable: true, description: 'What is being done, up to 2,000 characters.' }) @MaxLength(2000) note?:
    string | null;
}

@InputType({ description: 'Resolving an alert, saying how.' })
export class ResolveAlertInput {
  @Field(() => ID, { description: 'The alert.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'When given, a stale version fails with CONFLICT.' }) expectedVersion?: number | null;
  @Field({ description: 'How it was dealt with, 1–2,000 characters, e.g. "Furosemide increased; weight recheck tomorrow".' })
  @NonBlank(2000)
  note!: string;
}

export const AlertConnection = Connection(Alert, 'Alert');
