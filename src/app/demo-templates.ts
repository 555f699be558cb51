import type { Context } from '../core/context';
import { CarePlanCategory } from '../modules/care-plans';
import { planTemplates, type PlanTemplate } from '../modules/plan-templates';
import { TaskKind, TaskPriority } from '../modules/tasks';
import { AlertSeverity, RuleComparison } from '../modules/warning-signs';

const WEIGHT = '29463-7',
  SPO2 = '59408-5',
  HEART_RATE = '8867-4',
  TEMPERATURE = '8310-5',
  PAIN = '72514-3',
  PHQ9 = '44261-6',
  WOUND = 'wound-status';
const { ROUTINE, URGENT } = TaskPriority;
const { LOW, MODERATE, HIGH, CRITICAL } = AlertSeverity;

/**
 * The demo clinic's plan templates, one per demo care plan's kind: home
 * recovery after hip replacement, depression treated with CBT, heart-failure
 * follow-up. Their roles are the roles of the demo care teams, so
 * `createCarePlanFromTemplate` can name a provider for each.
 */
export async function loadDemoTemplates(admin: Context, organizationId: string): Promise<PlanTemplate[]> {
  const hip = await planTemplates.create(admin, {
    organizationId,
    title: 'Home recovery after hip replacement',
    category: CarePlanCategory.HOME_RECOVERY,
    description:
      'Six weeks of rehabilitation at home after total hip arthroplasty: nursing visits, physiotherapy three times a week, ' +
      '28 days of anticoagulation, hip precautions until the six-week review.',
    warningSigns: [
      'Calf pain, swelling or redness (possible deep-vein thrombosis)',
      'Sudden breathlessness or chest pain',
      'Fever above 38 °C',
      'Wound redness, swelling or discharge',
      'Sudden hip pain, a click, or a shorter, turned leg (possible dislocation)',
    ],
    goals: [
      {
        description: 'Safe at home with hip precautions',
        target: 'Follows hip precautions; raised toilet seat and rails in place',
        dueInDays: 7,
      },
      { description: 'Wound healed without infection', target: 'Clips removed, no signs of infection', dueInDays: 14 },
      { description: 'Climb stairs safely', target: 'One flight of stairs with a rail, supervised', dueInDays: 28 },
      { description: 'Walk independently with a cane', target: 'Walks 200 m with a cane without rest', dueInDays: 42 },
    ],
    tasks: [
      {
        title: 'Home visit: wound, pain and mobility check',
        kind: TaskKind.HOME_VISIT,
        priority: URGENT,
        assignRole: 'home nurse',
        dueInDays: 1,
        dueTime: '10:00',
      },
      {
        title: 'Teach anticoagulant self-injection (28 days)',
        kind: TaskKind.EDUCATION,
        priority: URGENT,
        assignRole: 'home nurse',
        dueInDays: 1,
        dueTime: '12:00',
        description: 'Enoxaparin once daily; check the patient or a carer can inject; sharps box.',
      },
      {
        title: 'Home safety assessment: aids and hip precautions',
        kind: TaskKind.ASSESSMENT,
        priority: ROUTINE,
        assignRole: 'physiotherapist',
        dueInDays: 2,
      },
      {
        title: 'Physiotherapy: gait and strength training',
        kind: TaskKind.THERAPY_SESSION,
        priority: ROUTINE,
        assignRole: 'physiotherapist',
        dueInDays: 3,
        dueTime: '10:00',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=18',
      },
      { title: 'Clip removal', kind: TaskKind.HOME_VISIT, priority: ROUTINE, assignRole: 'home nurse', dueInDays: 12, dueTime: '10:00' },
      {
        title: 'Six-week review with X-ray',
        kind: TaskKind.FOLLOW_UP,
        priority: ROUTINE,
        assignRole: 'orthopaedic surgeon',
        dueInDays: 42,
      },
    ],
    warningSignRules: [
      {
        measure: PAIN,
        comparison: RuleComparison.AT_LEAST,
        threshold: 7,
        consecutive: 2,
        severity: MODERATE,
        instruction: 'Review analgesia; examine the hip for dislocation or haematoma.',
        assignRole: 'home nurse',
      },
      {
        measure: WOUND,
        comparison: RuleComparison.IS_ONE_OF,
        codes: ['WORSE', 'INFECTION_SIGNS', 'OPEN'],
        severity: HIGH,
        instruction: 'Same-day wound review; swab if discharge; call the orthopaedic team.',
        assignRole: 'orthopaedic surgeon',
      },
      {
        measure: TEMPERATURE,
        comparison: RuleComparison.ABOVE,
        threshold: 38,
        severity: HIGH,
        instruction: 'Check the wound and calf; blood cultures and CRP if no other cause.',
        assignRole: 'home nurse',
      },
    ],
    expectedCheckIns: [
      { measure: PAIN, everyDays: 1, graceHours: 12, severity: LOW, instruction: 'Phone the patient: no pain score today.' },
      {
        measure: WOUND,
        everyDays: 3,
        graceHours: 12,
        severity: MODERATE,
        instruction: 'Arrange a wound check: none recorded for three days.',
      },
    ],
  });

  const depression = await planTemplates.create(admin, {
    organizationId,
    title: 'Depression: CBT first',
    category: CarePlanCategory.MENTAL_HEALTH,
    description:
      'Twelve weekly sessions of cognitive behavioural therapy, PHQ-9 every two weeks; antidepressant medication considered at ' +
      'week 6 if PHQ-9 has not fallen by at least 5 points.',
    warningSigns: [
      'Thoughts of self-harm or suicide',
      'Not leaving home for several days',
      'Stopping eating or drinking',
      'Drinking more alcohol',
    ],
    goals: [
      { description: 'Regular activity', target: 'Three planned pleasant or meaningful activities a week', dueInDays: 28 },
      { description: 'Regular sleep routine', target: 'In bed by 23:00 five nights a week', dueInDays: 28 },
      { description: 'Response to treatment', target: 'PHQ-9 down by half from the first assessment', dueInDays: 42 },
      { description: 'Remission of depressive symptoms', target: 'PHQ-9 below 5', dueInDays: 84 },
    ],
    tasks: [
      {
        title: 'First assessment: PHQ-9, GAD-7 and risk',
        kind: TaskKind.ASSESSMENT,
        priority: URGENT,
        assignRole: 'psychotherapist',
        dueInDays: 0,
        description: 'Record PHQ-9 and GAD-7 as a check-in; ask about suicidal thoughts whatever PHQ-9 item 9 says.',
      },
      { title: 'Safety plan with the patient', kind: TaskKind.EDUCATION, priority: URGENT, assignRole: 'psychotherapist', dueInDays: 0 },
      {
        title: 'CBT session',
        kind: TaskKind.THERAPY_SESSION,
        priority: ROUTINE,
        assignRole: 'psychotherapist',
        dueInDays: 7,
        dueTime: '18:00',
        recurrence: 'FREQ=WEEKLY;COUNT=12',
      },
      {
        title: 'Week-6 review: consider antidepressant',
        kind: TaskKind.FOLLOW_UP,
        priority: ROUTINE,
        assignRole: 'primary physician',
        dueInDays: 42,
        description: 'If PHQ-9 has not fallen by 5 points: discuss an SSRI; the patient may prefer to continue therapy alone.',
      },
      {
        title: 'End of treatment: relapse-prevention plan',
        kind: TaskKind.FOLLOW_UP,
        priority: ROUTINE,
        assignRole: 'psychotherapist',
        dueInDays: 84,
      },
    ],
    warningSignRules: [
      {
        measure: PHQ9,
        comparison: RuleComparison.ABOVE,
        threshold: 0,
        item: 9,
        severity: CRITICAL,
        instruction: 'Assess suicide risk today (call the patient); follow the crisis protocol.',
        assignRole: 'psychotherapist',
      },
      {
        measure: PHQ9,
        comparison: RuleComparison.AT_LEAST,
        threshold: 20,
        severity: HIGH,
        instruction: 'Severe depression: review within a week and reconsider medication.',
        assignRole: 'primary physician',
      },
      {
        measure: PHQ9,
        comparison: RuleComparison.RISES_BY_MORE_THAN,
        threshold: 5,
        withinDays: 28,
        severity: MODERATE,
        instruction: 'PHQ-9 worse by more than 5 points: bring the next session forward and review the plan.',
        assignRole: 'psychotherapist',
      },
    ],
    expectedCheckIns: [
      {
        measure: PHQ9,
        everyDays: 14,
        graceHours: 48,
        severity: MODERATE,
        instruction: 'Contact the patient: the fortnightly PHQ-9 is overdue.',
      },
    ],
  });

  const heart = await planTemplates.create(admin, {
    organizationId,
    title: 'Heart-failure follow-up',
    category: CarePlanCategory.CHRONIC_CONDITION,
    description:
      'Follow-up of heart failure with reduced ejection fraction: daily weights with the 2 kg rule, titration of guideline therapy, ' +
      'weekly nurse telephone follow-up for three months.',
    warningSigns: [
      'Weight gain over 2 kg in 3 days',
      'Breathless lying flat, or waking up breathless',
      'Swollen ankles or legs',
      'Dizziness or fainting',
    ],
    goals: [
      { description: 'Self-management', target: 'Weighs daily, knows the 2 kg rule and the flexible diuretic plan', dueInDays: 14 },
      { description: 'Stable weight', target: 'Daily weight within ±1 kg of dry weight', dueInDays: 60 },
      {
        description: 'Guideline therapy at target dose',
        target: 'Beta-blocker, ARNI or ACE inhibitor, MRA and SGLT2 inhibitor at target or highest tolerated dose',
        dueInDays: 90,
      },
      { description: 'No hospital admission for heart failure', target: 'No admission in six months', dueInDays: 180 },
    ],
    tasks: [
      {
        title: 'Teach daily weighing and the 2 kg rule',
        kind: TaskKind.EDUCATION,
        priority: URGENT,
        assignRole: 'heart-failure nurse',
        dueInDays: 0,
      },
      {
        title: 'Telephone follow-up: weights and symptoms',
        kind: TaskKind.TELECONSULT,
        priority: ROUTINE,
        assignRole: 'heart-failure nurse',
        dueInDays: 7,
        dueTime: '10:00',
        recurrence: 'FREQ=WEEKLY;COUNT=12',
      },
      {
        title: 'Kidney function and potassium',
        kind: TaskKind.ASSESSMENT,
        priority: URGENT,
        assignRole: 'primary physician',
        dueInDays: 14,
        description: 'Creatinine, eGFR and potassium one to two weeks after each dose change.',
      },
      {
        title: 'Cardiology review: titrate therapy',
        kind: TaskKind.FOLLOW_UP,
        priority: ROUTINE,
        assignRole: 'cardiologist',
        dueInDays: 28,
      },
      { title: 'Echocardiogram after titration', kind: TaskKind.ASSESSMENT, priority: ROUTINE, assignRole: 'cardiologist', dueInDays: 90 },
    ],
    warningSignRules: [
      {
        measure: WEIGHT,
        comparison: RuleComparison.RISES_BY_MORE_THAN,
        threshold: 2,
        withinDays: 3,
        severity: HIGH,
        instruction: 'Call the patient today: breathlessness, ankles; consider an extra furosemide dose per the plan.',
        assignRole: 'heart-failure nurse',
      },
      {
        measure: SPO2,
        comparison: RuleComparison.BELOW,
        threshold: 92,
        severity: HIGH,
        instruction: 'Same-day review: check for fluid overload or infection.',
        assignRole: 'heart-failure nurse',
      },
      {
        measure: HEART_RATE,
        comparison: RuleComparison.BELOW,
        threshold: 50,
        consecutive: 2,
        severity: MODERATE,
        instruction: 'Slow pulse: review the beta-blocker dose; ECG if dizzy.',
        assignRole: 'cardiologist',
      },
    ],
    expectedCheckIns: [
      {
        measure: WEIGHT,
        everyDays: 1,
        graceHours: 6,
        severity: MODERATE,
        instruction: 'Phone the patient: no weight today; check the scale works.',
      },
    ],
  });

  return [hip, depression, heart];
}
