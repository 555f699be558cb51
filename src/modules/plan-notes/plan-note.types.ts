import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Connection } from '../../core/pagination';
import { NonBlank } from '../../core/validation';
import { CarePlanNote } from './plan-note.entity';

/** How many providers one note may mention. */
export const MAX_MENTIONS = 20;

@InputType({ description: "A note for a care plan's thread." })
export class AddCarePlanNoteInput {
  @Field(() => ID, { description: 'The plan to write on; open and closed plans alike.' }) carePlanId!: string;
  @Field({ description: 'The note, 1–10,000 characters.' }) @NonBlank(10000) body!: string;
  @Field(() => [ID], {
    nullable: true,
    description: `Providers to mention, up to ${MAX_MENTIONS}: each must be an active member of the patient's care team (BAD_USER_INPUT on \`mentions.<i>\` otherwise). They receive the note's event on \`myMentions\`. A repeat counts once.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_MENTIONS)
  mentions?: string[] | null;
}

export const CarePlanNoteConnection = Connection(CarePlanNote, 'CarePlanNote');
