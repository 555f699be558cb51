import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ObservationFlag {
  PHQ9_ITEM9_POSITIVE = 'PHQ9_ITEM9_POSITIVE',
}
registerEnumType(ObservationFlag, {
  name: 'ObservationFlag',
  description: 'A finding the server marks on an observation on its own, whatever the total.',
  valuesConfig: {
    PHQ9_ITEM9_POSITIVE: {
      description:
        'PHQ-9 item 9 ("thoughts that you would be better off dead, or of hurting yourself") was answered above 0: assess suicide risk now, whatever the total.',
    },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One item of a questionnaire, answered 0–3.' })
export class QuestionnaireItem {
  @Field(() => Int, { description: 'Its position, from 1.' })
  number!: number;

  @Field({ description: 'The question, as the instrument words it.' })
  text!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A severity band of a questionnaire total.' })
export class SeverityBand {
  @Field({ description: 'The band\'s name, e.g. "moderately severe".' })
  name!: string;

  @Field(() => Int, { description: 'The lowest total in the band.' })
  min!: number;

  @Field(() => Int, { description: 'The highest total in the band.' })
  max!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A scored questionnaire: its items, their answers and how the total is banded.' })
export class Questionnaire {
  @Field({ description: 'Its short name, e.g. "PHQ-9".' })
  title!: string;

  @Field(() => [QuestionnaireItem], { description: 'The items in order; a check-in answers every one.' })
  items!: QuestionnaireItem[];

  @Field(() => [String], {
    description: 'The answer scale, value 0 first: "Not at all", "Several days", "More than half the days", "Nearly every day".',
  })
  answerScale!: string[];

  @Field(() => [SeverityBand], { description: 'The bands of the total, lowest first.' })
  bands!: SeverityBand[];

  /** Flags an answer set raises on its own. */
  flagsOf!: (answers: readonly number[]) => ObservationFlag[];
}

const OVER_THE_LAST_TWO_WEEKS = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];

const items = (texts: string[]): QuestionnaireItem[] => texts.map((text, i) => ({ number: i + 1, text }));

/**
 * PHQ-9 (Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606–613):
 * nine items 0–3, total 0–27; bands 0–4 minimal, 5–9 mild, 10–14 moderate,
 * 15–19 moderately severe, 20–27 severe. Item 9 above 0 is flagged on its own.
 */
const PHQ9: Questionnaire = {
  title: 'PHQ-9',
  items: items([
    'Little interest or pleasure in doing things',
    'Feeling down, depressed, or hopeless',
    'Trouble falling or staying asleep, or sleeping too much',
    'Feeling tired or having little energy',
    'Poor appetite or overeating',
    'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
    'Trouble concentrating on things, such as reading the newspaper or watching television',
    'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
    'Thoughts that you would be better off dead or of hurting yourself in some way',
  ]),
  answerScale: OVER_THE_LAST_TWO_WEEKS,
  bands: [
    { name: 'minimal', min: 0, max: 4 },
    { name: 'mild', min: 5, max: 9 },
    { name: 'moderate', min: 10, max: 14 },
    { name: 'moderately severe', min: 15, max: 19 },
    { name: 'severe', min: 20, max: 27 },
  ],
  flagsOf: (answers) => (answers[8] > 0 ? [ObservationFlag.PHQ9_ITEM9_POSITIVE] : []),
};

/**
 * GAD-7 (Spitzer et al., Arch Intern Med 2006;166:1092–1097): seven items
 * 0–3, total 0–21; bands 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe.
 */
const GAD7: Questionnaire = {
  title: 'GAD-7',
  items: items([
    'Feeling nervous, anxious, or on edge',
    'Not being able to stop or control worrying',
    'Worrying too much about different things',
    'Trouble relaxing',
    'Being so restless that it is hard to sit still',
    'Becoming easily annoyed or irritable',
    'Feeling afraid, as if something awful might happen',
  ]),
  answerScale: OVER_THE_LAST_TWO_WEEKS,
  bands: [
    { name: 'minimal', min: 0, max: 4 },
    { name: 'mild', min: 5, max: 9 },
    { name: 'moderate', min: 10, max: 14 },
    { name: 'severe', min: 15, max: 21 },
  ],
  flagsOf: () => [],
};

/** The questionnaires the server scores, by the LOINC code of their total. */
export const QUESTIONNAIRES: ReadonlyMap<string, Questionnaire> = new Map([
  ['44261-6', PHQ9],
  ['70274-6', GAD7],
]);

export interface Scored {
  total: number;
  band: string;
  flags: ObservationFlag[];
}

/** Totals the answers and names the band; `answers` must already be one 0–3 per item. */
export function score(questionnaire: Questionnaire, answers: readonly number[]): Scored {
  const total = answers.reduce((sum, a) => sum + a, 0);
  const band = questionnaire.bands.find((b) => total >= b.min && total <= b.max)!;
  return { total, band: band.name, flags: questionnaire.flagsOf(answers) };
}
