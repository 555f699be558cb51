import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Measure } from './measure.entity';
import { CreateMeasureInput } from './measure.types';
import { measures } from './measures.service';
import { Questionnaire } from './questionnaires';

@Resolver(() => Measure)
export class MeasureResolver {
  @Query(() => [Measure], {
    description: 'The measure catalogue, by name: what check-ins can record and rules can watch. Not patient data.',
  })
  measures(@Ctx() ctx: Context) {
    return measures.list(ctx);
  }

  @Mutation(() => Measure, { description: "ADMIN adds a clinic's own measure to the catalogue (FORBIDDEN for others)." })
  createMeasure(@Arg('input', { description: 'The new measure.' }) input: CreateMeasureInput, @Ctx() ctx: Context) {
    return measures.create(ctx, input);
  }

  @FieldResolver(() => Questionnaire, {
    nullable: true,
    description: 'For a QUESTIONNAIRE measure (PHQ-9, GAD-7): its items, answer scale and severity bands; null for the others.',
  })
  questionnaire(@Root() measure: Measure) {
    return measures.questionnaireOf(measure);
  }
}
