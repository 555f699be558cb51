import {
  AddMeasureDocument,
  CheckInEventsDocument,
  MeasureCatalogueDocument,
  PatientCheckInsDocument,
  PatientObservationsDocument,
  PatientTrendDocument,
  RecordCheckInDocument,
  type CheckInSource,
  type MeasureValueInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';

let hub: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

const WEIGHT = '29463-7';
const PAIN = '72514-3';
const PHQ9 = '44261-6';
const GAD7 = '70274-6';
const WOUND = 'wound-status';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function record(team: Team, values: MeasureValueInput[], takenAt = ago(0), source: CheckInSource = 'PATIENT', token?: string) {
  return hub.gql(
    RecordCheckInDocument,
    { input: { patientId: team.patient.id, takenAt, source, values } },
    token ?? (await w.token(team.nurse)),
  );
}

async function history(team: Team) {
  const token = await w.token(team.owner);
  const checkIns = ok(await hub.gql(PatientCheckInsDocument, { id: team.patient.id, first: 100 }, token)).patient!.checkIns;
  const events = ok(await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, token)).patientEvents.edges;
  return { checkIns: checkIns.totalCount, events: events.length };
}

describe('the measure catalogue', () => {
  it('ships the vital signs, scores and questionnaires with LOINC codes, UCUM units and valid ranges', async () => {
    const { measures } = ok(await hub.gql(MeasureCatalogueDocument, {}, await w.token(await w.provider())));
    const byCode = new Map(measures.map((m) => [m.code, m]));
    expect(byCode.get(WEIGHT)).toMatchObject({ system: 'http://loinc.org', name: 'Body weight', unit: 'kg', valueType: 'QUANTITY' });
    expect(byCode.get('8480-6')).toMatchObject({ unit: 'mm[Hg]', minValue: 40, maxValue: 300 });
    expect(byCode.get('8462-4')).toMatchObject({ unit: 'mm[Hg]' });
    expect(byCode.get('8867-4')).toMatchObject({ unit: '/min' });
    expect(byCode.get('59408-5')).toMatchObject({ unit: '%', maxValue: 100 });
    expect(byCode.get('8310-5')).toMatchObject({ unit: 'Cel' });
    expect(byCode.get(PAIN)).toMatchObject({ minValue: 0, maxValue: 10, integer: true });
    expect(byCode.get(GAD7)).toMatchObject({ valueType: 'QUESTIONNAIRE', minValue: 0, maxValue: 21 });
    for (const code of ['mood', '93832-4', '41950-7']) expect(byCode.has(code)).toBe(true);
    expect(byCode.get(WOUND)!.options.map((o) => o.code)).toEqual(['HEALING', 'UNCHANGED', 'WORSE', 'INFECTION_SIGNS', 'OPEN']);
    const phq9 = byCode.get(PHQ9)!.questionnaire!;
    expect(phq9.items).toHaveLength(9);
    expect(phq9.answerScale).toEqual(['Not at all', 'Several days', 'More than half the days', 'Nearly every day']);
    expect(phq9.bands.map((b) => [b.name, b.min, b.max])).toEqual([
      ['minimal', 0, 4],
      ['mild', 5, 9],
      ['moderate', 10, 14],
      ['moderately severe', 15, 19],
      ['severe', 20, 27],
    ]);
    expect(byCode.get(WEIGHT)!.questionnaire).toBeNull();
  });

  it("lets ADMIN add a clinic's own coded measure, which check-ins then accept", async () => {
    const code = `lymph-${Date.now()}`;
    const input = {
      code,
      name: 'Arm lymphoedema',
      unit: '1',
      valueType: 'CODED' as const,
      options: [
        { code: 'NONE', display: 'None' },
        { code: 'MILD', display: 'Mild' },
      ],
    };
    const created = ok(await hub.gql(AddMeasureDocument, { input }, await w.adminToken())).createMeasure;
    expect(created).toMatchObject({ code, system: 'urn:carehub:measure', valueType: 'CODED' });
    expect(refusal(await hub.gql(AddMeasureDocument, { input }, await w.adminToken()))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'code' },
    });
    expect(
      refusal(await hub.gql(AddMeasureDocument, { input: { ...input, code: `${code}-x` } }, await w.token(await w.provider()))).code,
    ).toBe('FORBIDDEN');
    const team = await w.team();
    const checkIn = ok(await record(team, [{ measure: code, code: 'MILD' }])).recordCheckIn;
    expect(checkIn.observations[0]).toMatchObject({ measureCode: code, code: 'MILD', value: null });
  });

  it.each([
    [{ valueType: 'QUESTIONNAIRE', minValue: 0, maxValue: 3 }, 'valueType'],
    [{ valueType: 'QUANTITY', minValue: 5, maxValue: 5 }, 'maxValue'],
    [{ valueType: 'QUANTITY' }, 'minValue'],
    [{ valueType: 'CODED', options: [{ code: 'A', display: 'a' }] }, 'options'],
    [
      {
        valueType: 'CODED',
        options: [
          { code: 'A', display: 'a' },
          { code: 'A', display: 'b' },
        ],
      },
      'options',
    ],
    [
      {
        valueType: 'QUANTITY',
        minValue: 0,
        maxValue: 1,
        options: [
          { code: 'A', display: 'a' },
          { code: 'B', display: 'b' },
        ],
      },
      'options',
    ],
  ] as const)('refuses a measure that cannot be checked (%j → BAD_USER_INPUT on %s)', async (fields, field) => {
    const input = { code: `bad-${Date.now()}-${field}`, name: 'Bad', unit: 'cm', ...fields } as never;
    expect(refusal(await hub.gql(AddMeasureDocument, { input }, await w.adminToken()))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field },
    });
  });
});

describe('recordCheckIn', () => {
  it('records the values with the team member who recorded them, and a CHECK_IN_RECORDED event that names them', async () => {
    const team = await w.team();
    const takenAt = ago(0.1);
    const result = ok(
      await record(
        team,
        [
          { measure: WEIGHT, value: 82.4, unit: 'kg' },
          { measure: PAIN, value: 3 },
          { measure: WOUND, code: 'HEALING' },
        ],
        takenAt,
      ),
    ).recordCheckIn;
    expect(result).toMatchObject({ source: 'PATIENT', takenAt, recordedBy: { id: team.nurse.id } });
    expect(result.observations.map((o) => [o.measureCode, o.value, o.unit, o.code])).toEqual([
      [WEIGHT, 82.4, 'kg', null],
      [PAIN, 3, '{score}', null],
      [WOUND, null, '1', 'HEALING'],
    ]);
    const events = ok(await hub.gql(CheckInEventsDocument, { patientId: team.patient.id }, await w.token(team.owner))).patientEvents.edges;
    const last = events[events.length - 1].node;
    expect(last).toMatchObject({ type: 'CHECK_IN_RECORDED', checkIn: { id: result.id } });
    expect(last.summary).toBe('Check-in (PATIENT): Body weight 82.4 kg, Pain severity (0-10) 3, Wound status Healing as expected');
  });

  /** PHQ-9 scoring (Kroenke 2001): total = sum of the nine items; bands at 5, 10, 15, 20; item 9 flagged on its own. */
  const phq9 = (total: number, item9 = 0) => {
    const answers = Array(9).fill(0);
    answers[8] = item9;
    let left = total - item9;
    for (let i = 0; i < 8 && left > 0; i++) left -= answers[i] = Math.min(3, left);
    return answers;
  };
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'moderately severe'],
    [19, 'moderately severe'],
    [20, 'severe'],
    [24, 'severe'],
  ])('scores a PHQ-9 totalling %i as %s', async (total, band) => {
    const team = await w.team();
    const [obs] = ok(await record(team, [{ measure: PHQ9, answers: phq9(total) }])).recordCheckIn.observations;
    expect(obs).toMatchObject({ value: total, band, flags: [], answers: phq9(total) });
  });

  it('flags PHQ-9 item 9 above 0 on its own, even when the total is minimal, and puts all nine answers at 3 at 27', async () => {
    const team = await w.team();
    const [low] = ok(await record(team, [{ measure: PHQ9, answers: phq9(1, 1) }])).recordCheckIn.observations;
    expect(low).toMatchObject({ value: 1, band: 'minimal', flags: ['PHQ9_ITEM9_POSITIVE'] });
    const [top] = ok(await record(team, [{ measure: PHQ9, answers: Array(9).fill(3) }])).recordCheckIn.observations;
    expect(top).toMatchObject({ value: 27, band: 'severe', flags: ['PHQ9_ITEM9_POSITIVE'] });
  });

  it.each([
    [[0, 0, 0, 0, 0, 0, 4 - 4], 0, 'minimal'],
    [[1, 1, 1, 1, 0, 0, 0], 4, 'minimal'],
    [[1, 1, 1, 1, 1, 0, 0], 5, 'mild'],
    [[3, 3, 3, 1, 0, 0, 0], 10, 'moderate'],
    [[3, 3, 3, 3, 3, 0, 0], 15, 'severe'],
    [[3, 3, 3, 3, 3, 3, 3], 21, 'severe'],
  ])('scores a GAD-7 of %j as %i, %s', async (answers, total, band) => {
    const team = await w.team();
    const [obs] = ok(await record(team, [{ measure: GAD7, answers }])).recordCheckIn.observations;
    expect(obs).toMatchObject({ value: total, band });
  });

  it.each([
    ['an unknown measure', [{ measure: 'no-such-measure', value: 1 }], 'values.0.measure'],
    ['a weight out of range', [{ measure: WEIGHT, value: 900 }], 'values.0.value'],
    [
      'a pain score above 10',
      [
        { measure: WEIGHT, value: 80 },
        { measure: PAIN, value: 11 },
      ],
      'values.1.value',
    ],
    ['a fractional pain score', [{ measure: PAIN, value: 2.5 }], 'values.0.value'],
    ['a weight in pounds', [{ measure: WEIGHT, value: 180, unit: '[lb_av]' }], 'values.0.unit'],
    ['a code for a quantity', [{ measure: WEIGHT, code: 'HEAVY' }], 'values.0.value'],
    ['a value and a code together', [{ measure: WEIGHT, value: 80, code: 'X' }], 'values.0.value'],
    ['an unknown wound status', [{ measure: WOUND, code: 'GREEN' }], 'values.0.code'],
    ['a PHQ-9 with eight answers', [{ measure: PHQ9, answers: [0, 0, 0, 0, 0, 0, 0, 0] }], 'values.0.answers'],
    ['a PHQ-9 answer of 4', [{ measure: PHQ9, answers: [4, 0, 0, 0, 0, 0, 0, 0, 0] }], 'values.0.answers'],
    ['a PHQ-9 given as a total', [{ measure: PHQ9, value: 12 }], 'values.0.answers'],
    [
      'the same measure twice',
      [
        { measure: PAIN, value: 2 },
        { measure: PAIN, value: 3 },
      ],
      'values.1.measure',
    ],
    ['no value at all', [], 'values'],
  ])('refuses %s with BAD_USER_INPUT naming the value, and records nothing', async (_, values, field) => {
    const team = await w.team();
    const before = await history(team);
    expect(refusal(await record(team, values as MeasureValueInput[]))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    expect(await history(team)).toEqual(before);
  });

  it('refuses values taken in the future, and before 2000', async () => {
    const team = await w.team();
    const before = await history(team);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(refusal(await record(team, [{ measure: WEIGHT, value: 80 }], inAnHour))).toMatchObject({ extensions: { field: 'takenAt' } });
    expect(refusal(await record(team, [{ measure: WEIGHT, value: 80 }], '1999-12-31T00:00:00Z'))).toMatchObject({
      extensions: { field: 'takenAt' },
    });
    expect(await history(team)).toEqual(before);
  });

  it('is refused to providers off the team (NOT_FOUND) and to ADMIN (FORBIDDEN), recording nothing', async () => {
    const team = await w.team();
    const before = await history(team);
    expect(refusal(await record(team, [{ measure: WEIGHT, value: 80 }], ago(0), 'CLINICIAN', await w.token(team.outsider))).code).toBe(
      'NOT_FOUND',
    );
    expect(refusal(await record(team, [{ measure: WEIGHT, value: 80 }], ago(0), 'CLINICIAN', await w.adminToken())).code).toBe('FORBIDDEN');
    expect(await history(team)).toEqual(before);
  });
});

describe("a patient's check-ins, observations and trends", () => {
  let team: Team;
  let token: string;
  // Weights over two weeks, recorded out of order (a device uploads late): 80.0 (13 d ago) … 83.1 (today).
  const weights: [number, number][] = [
    [13, 80.0],
    [2, 82.2],
    [6, 80.6],
    [1, 82.9],
    [0, 83.1],
    [3, 81.0],
  ];
  beforeAll(async () => {
    team = await w.team();
    token = await w.token(team.owner);
    for (const [days, value] of weights) ok(await record(team, [{ measure: WEIGHT, value }], ago(days + 0.01), 'DEVICE'));
    ok(await record(team, [{ measure: PAIN, value: 4 }], ago(0.5)));
  });

  it('lists check-ins newest taken first, page by page', async () => {
    const first = ok(await hub.gql(PatientCheckInsDocument, { id: team.patient.id, first: 4 }, token)).patient!.checkIns;
    expect(first.totalCount).toBe(7);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await hub.gql(PatientCheckInsDocument, { id: team.patient.id, first: 4, after: first.pageInfo.endCursor }, token))
      .patient!.checkIns;
    expect(second.pageInfo.hasNextPage).toBe(false);
    const values = [...first.edges, ...second.edges].map((e) => e.node.observations[0].value);
    expect(values).toEqual([83.1, 4, 82.9, 82.2, 81.0, 80.6, 80.0]);
    const times = [...first.edges, ...second.edges].map((e) => e.node.takenAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("lists one measure's values since a time, newest first", async () => {
    const all = ok(await hub.gql(PatientObservationsDocument, { id: team.patient.id, measure: WEIGHT }, token)).patient!.observations;
    expect(all.edges.map((e) => e.node.value)).toEqual([83.1, 82.9, 82.2, 81.0, 80.6, 80.0]);
    const lastWeek = ok(await hub.gql(PatientObservationsDocument, { id: team.patient.id, measure: WEIGHT, since: ago(7) }, token)).patient!
      .observations;
    expect(lastWeek.totalCount).toBe(5);
    expect(refusal(await hub.gql(PatientObservationsDocument, { id: team.patient.id, measure: 'nope' }, token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'measure' },
    });
  });

  it('gives a trend over a window: latest, previous, min, max, change and the points to plot', async () => {
    const trend = ok(await hub.gql(PatientTrendDocument, { id: team.patient.id, measure: WEIGHT, days: 7 }, token)).patient!.trend;
    expect(trend).toMatchObject({
      days: 7,
      count: 5,
      min: 80.6,
      max: 83.1,
      change: 2.5,
      latest: { value: 83.1 },
      previous: { value: 82.9 },
    });
    expect(trend.measure).toEqual({ code: WEIGHT, unit: 'kg' });
    expect(trend.points.map((p) => p.value)).toEqual([80.6, 81.0, 82.2, 82.9, 83.1]);
  });

  it('keeps the latest value in a trend whose window holds none', async () => {
    const other = await w.team();
    ok(await record(other, [{ measure: WEIGHT, value: 70 }], ago(20)));
    const trend = ok(await hub.gql(PatientTrendDocument, { id: other.patient.id, measure: WEIGHT, days: 7 }, await w.token(other.owner)))
      .patient!.trend;
    expect(trend).toMatchObject({ count: 0, min: null, max: null, change: null, latest: { value: 70 }, previous: null, points: [] });
  });

  it('refuses a window outside 1–366 days', async () => {
    expect(refusal(await hub.gql(PatientTrendDocument, { id: team.patient.id, measure: WEIGHT, days: 0 }, token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'days' },
    });
  });

  it('shows nothing of it to a provider off the team, and ADMIN is FORBIDDEN clinical content', async () => {
    const outsider = await hub.gql(PatientCheckInsDocument, { id: team.patient.id }, await w.token(team.outsider));
    expect(refusal(outsider).code).toBe('NOT_FOUND');
    const admin = await hub.gql(PatientTrendDocument, { id: team.patient.id, measure: WEIGHT }, await w.adminToken());
    expect(refusal(admin).code).toBe('FORBIDDEN');
    expect(admin.data?.patient ?? null).toBeNull();
  });
});
