import { IsEmail, MaxLength } from 'class-validator';
import { NonBlank } from '../../core/validation';
import { Field, ID, InputType } from 'type-graphql';
import { Connection } from '../../core/pagination';
import { Discipline, Provider } from './provider.entity';

@InputType({ description: 'A new provider. Violations are BAD_USER_INPUT with the field.' })
export class CreateProviderInput {
  @Field(() => ID, { description: 'The organization the provider works for (an Organization id).' })
  organizationId!: string;

  @Field({ description: 'Full name with title, 1–200 characters.' })
  @NonBlank(200)
  name!: string;

  @Field(() => Discipline, { description: 'The kind of clinician.' })
  discipline!: Discipline;

  @Field(() => String, { nullable: true, description: 'Area of practice, up to 200 characters, e.g. "cardiology".' })
  @MaxLength(200)
  specialty?: string | null;

  @Field({
    description:
      'Work email address, up to 320 characters; stored lower-cased and unique across the hub (BAD_USER_INPUT on `email` if taken).',
  })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { nullable: true, description: 'Work phone number, up to 50 characters.' })
  @MaxLength(50)
  phone?: string | null;
}

export const ProviderConnection = Connection(Provider, 'Provider');
