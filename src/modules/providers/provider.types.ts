import { IsEmail, MaxLength } from 'class-validator';
import { NonBlank } from '../../graphql/validation';
import { Field, ID, InputType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Discipline, Provider } from './provider.entity';

@InputType()
export class CreateProviderInput {
  @Field(() => ID)
  organizationId!: string;

  @Field()
  @NonBlank(200)
  name!: string;

  @Field(() => Discipline)
  discipline!: Discipline;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  specialty?: string | null;

  @Field()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(50)
  phone?: string | null;
}

export const ProviderConnection = Connection(Provider, 'Provider');
