import { createContexts } from '../src/app/contexts';
import { SCHEDULER } from '../src/core/module';
import { taskSeries } from '../src/modules/tasks';
import {
  CancelTaskSeriesDocument,
  CreateScheduledTaskDocument,
  ReassignTaskDocument,
  RescheduleAppointmentDocument,
  ScheduleDocument,
  SeriesEventsDocument,
  TaskSeriesByIdDocument,
  type CreateTaskInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';

/**
 * Schedules (issue 13, item 3): recurring tasks (an RRULE read in an IANA
 * time zone, occurrences created ahead of time by a job, once across
 * instances), appointments, `schedule`, and the DOUBLE_BOOKED warning.
 * Two hub instances run job workers against the one database.
 */
let hub: TestHub;
let second: TestHub;
let w: World;
type Team = Awaited<ReturnType<World['team']>>;
const WORKER = { JOBS_CONCURRENCY: '2', JOBS_POLL_INTERVAL_MS: '100' };

beforeAll(async () => {
  [hub, second] = await Promise.all([startTestHub(WORKER), startTestHub(WORKER)]);
  w = await world(hub);
});
afterAll(async () => {
  await Promise.all([hub.close(), second.close()]);
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sql = <T>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);
const iso = (ms: number) => new Date(ms).toISOString();
/** Tomorrow at a whole hour (UTC), so windows and overlaps are easy to read. */
const tomorrowAt = (hour: number) => {
  const d = new Date(Date.now() + DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.getTime();
};

async function create(team: Team, input: Partial<CreateTaskInput>, by = team.owner) {
  const result = await hub.gql(
    CreateScheduledTaskDocument,
    { input: { carePlanId: team.plan.id, title: 'Physiotherapy', kind: 'THERAPY_SESSION', ...input } },
    await w.token(by),
  );
  return { result, task: result.data?.createTask ?? null };
}

async function series(team: Team, id: string) {
  const node = ok(await hub.gql(TaskSeriesByIdDocument, { id }, await w.token(team.owner))).node;
  if (!node || !('rule' in node)) throw new Error('no series');
  return node;
}

const dueTimes = (s: Awaited<ReturnType<typeof series>>) => s.tasks.edges.map((e) => e.node.dueAt as string).sort();
const jobOf = async (seriesId: string) =>
  (await sql<{ run_at: Date }>('select run_at from graphile_worker.jobs where key = ?', [`task-series:${seriesId}`]))[0] ?? null;

/**
 * The Mondays (00:00Z) before the coming DST changes of Europe/Berlin (the
 * last Sundays of March and October), soonest first, with the UTC hour of
 * 09:00 Berlin time before and after the change.
 */
function berlinDstWeeks(): { monday: number; before: number; after: number }[] {
  const weeks: { monday: number; before: number; after: number }[] = [];
  for (let year = new Date().getUTCFullYear(); weeks.length < 2; year++) {
    for (const month of [2, 9]) {
      const last = new Date(Date.UTC(year, month + 1, 0));
      const monday = last.getTime() - last.getUTCDay() * DAY - 6 * DAY;
      const spring = month === 2;
      if (monday > Date.now() + 2 * DAY && weeks.length < 2) weeks.push({ monday, before: spring ? 8 : 7, after: spring ? 7 : 8 });
    }
  }
  return weeks;
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a recurring task', () => {
  it('keeps a weekly 09:00 Europe/Berlin visit at 09:00 local time across the next DST change', async () => {
    const { monday, before, after } = berlinDstWeeks()[0];
    const team = await w.team();
    const { task } = await create(team, {
      kind: 'HOME_VISIT',
      assigneeId: team.nurse.id,
      startAt: iso(monday + before * HOUR),
      endAt: iso(monday + before * HOUR + 45 * 60_000),
      location: "Patient's home",
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', timeZone: 'Europe/Berlin', horizonDays: 366 },
    });
    expect(task).toMatchObject({ startAt: iso(monday + before * HOUR), location: "Patient's home" });
    const s = await series(team, task!.series!.id);
    expect(s).toMatchObject({ rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', timeZone: 'Europe/Berlin', durationMinutes: 45 });
    // 09:00 CET is 08:00Z, 09:00 CEST 07:00Z: the UTC hour moves on the Sunday in between, the local one does not.
    const expected = [monday + before * HOUR, monday + 7 * DAY + after * HOUR, monday + 14 * DAY + after * HOUR];
    expect(s.tasks.edges.map((e) => [e.node.startAt, e.node.endAt, e.node.occurrenceAt])).toEqual(
      expected.map((at) => [iso(at), iso(at + 45 * 60_000), iso(at)]),
    );
    expect(s.tasks.edges.every((e) => e.node.assignee?.id === team.nurse.id && e.node.location === "Patient's home")).toBe(true);
  });

  it('keeps Monday 09:00 Europe/Berlin across the DST change after that, and lists its upcoming occurrences', async () => {
    const { monday, before, after } = berlinDstWeeks()[1];
    const team = await w.team();
    const { task } = await create(team, {
      kind: 'ASSESSMENT',
      dueAt: iso(monday + before * HOUR),
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', timeZone: 'Europe/Berlin', horizonDays: 1 },
    });
    const s = await series(team, task!.series!.id);
    expect(s.upcoming).toEqual([0, 1, 2, 3, 4].map((week) => iso(monday + week * 7 * DAY + (week ? after : before) * HOUR)));
    // Far beyond its horizon, only the first occurrence exists yet: the next one always does.
    expect(dueTimes(s)).toEqual([iso(monday + before * HOUR)]);
    expect(s.status).toBe('ACTIVE');
  });

  it('creates exactly COUNT occurrences, then completes with TASK_SERIES_COMPLETED and no job left', async () => {
    const team = await w.team();
    const start = tomorrowAt(8);
    const { task } = await create(team, {
      kind: 'MEDICATION',
      title: 'Check INR',
      dueAt: iso(start),
      recurrence: { rule: 'FREQ=DAILY;INTERVAL=2;COUNT=4', timeZone: 'UTC' },
    });
    const s = await series(team, task!.series!.id);
    expect(dueTimes(s)).toEqual([0, 2, 4, 6].map((d) => iso(start + d * DAY)));
    expect(s.status).toBe('COMPLETED');
    expect(s.upcoming).toEqual([]);
    expect(await jobOf(s.id)).toBeNull();
    const types = (await w.eventLog(team.patient.id)).types;
    expect(types.slice(-6)).toEqual([
      'TASK_SERIES_CREATED',
      'TASK_CREATED',
      'TASK_CREATED',
      'TASK_CREATED',
      'TASK_CREATED',
      'TASK_SERIES_COMPLETED',
    ]);
  });

  it('stops at UNTIL, an instant, even when it falls between two occurrences', async () => {
    const team = await w.team();
    const start = tomorrowAt(8);
    const until = new Date(start + 2 * DAY + HOUR)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const { task } = await create(team, {
      kind: 'OTHER',
      dueAt: iso(start),
      recurrence: { rule: `FREQ=DAILY;UNTIL=${until}`, timeZone: 'UTC' },
    });
    const s = await series(team, task!.series!.id);
    expect(dueTimes(s)).toEqual([0, 1, 2].map((d) => iso(start + d * DAY)));
    expect(s.status).toBe('COMPLETED');
  });

  it('creates occurrences up to its horizon only, with the job queued for when the next one enters it', async () => {
    const team = await w.team();
    const start = tomorrowAt(8);
    const { task } = await create(team, {
      kind: 'OTHER',
      dueAt: iso(start),
      recurrence: { rule: 'FREQ=DAILY', timeZone: 'UTC', horizonDays: 3 },
    });
    const s = await series(team, task!.series!.id);
    const created = dueTimes(s);
    // Everything due within 3 days from now: tomorrow, the day after, and (by the clock) maybe one more.
    expect(created.slice(0, 2)).toEqual([iso(start), iso(start + DAY)]);
    expect(created.every((at) => new Date(at).getTime() <= Date.now() + 3 * DAY)).toBe(true);
    const next = new Date(created[created.length - 1]).getTime() + DAY;
    const job = await jobOf(s.id);
    expect(job && Math.abs(new Date(job.run_at).getTime() - (next - 3 * DAY))).toBeLessThan(2_000);
  });

  it('always has its next occurrence as a task, even beyond the horizon', async () => {
    const team = await w.team();
    const start = Date.now() - 2 * HOUR - (Date.now() % 1000); // set up at 11:00 for today's 09:00
    const { task } = await create(team, {
      kind: 'OTHER',
      dueAt: iso(start),
      recurrence: { rule: 'FREQ=WEEKLY', timeZone: 'UTC', horizonDays: 1 },
    });
    const s = await series(team, task!.series!.id);
    expect(dueTimes(s)).toEqual([iso(start), iso(start + 7 * DAY)]);
    const job = await jobOf(s.id);
    expect(job && Math.abs(new Date(job.run_at).getTime() - (start + 13 * DAY))).toBeLessThan(2_000);
  });

  it('creates each occurrence once when the job runs twice at the same time, and on two hub instances', async () => {
    const team = await w.team();
    const start = tomorrowAt(8);
    const { task } = await create(team, {
      kind: 'OTHER',
      assigneeId: team.nurse.id,
      dueAt: iso(start),
      recurrence: { rule: 'FREQ=DAILY;COUNT=20', timeZone: 'UTC', horizonDays: 2 },
    });
    const seriesId = task!.series!.id;
    const before = dueTimes(await series(team, seriesId)).length;
    // As if four more days had passed: a wider horizon puts more occurrences in reach; both runs race for them.
    await sql('update task_series set horizon_days = 6 where id = ?', [seriesId]);
    const [one, two] = [createContexts(hub.orm), createContexts(second.orm)];
    await Promise.all([
      taskSeries.materializeJob(one.create({ ...SCHEDULER }, 'job-a'), { seriesId }),
      taskSeries.materializeJob(two.create({ ...SCHEDULER }, 'job-b'), { seriesId }),
    ]);
    const afterRuns = dueTimes(await series(team, seriesId));
    expect(afterRuns.length).toBeGreaterThan(before);
    expect(new Set(afterRuns).size).toBe(afterRuns.length);
    expect(afterRuns).toEqual([...Array(afterRuns.length).keys()].map((d) => iso(start + d * DAY)));

    // The queued job, run by whichever of the two instances' workers takes it.
    await sql('update task_series set horizon_days = 9 where id = ?', [seriesId]);
    // Due now: the same job key, replaced (as the series itself reschedules it).
    await sql(
      "select graphile_worker.add_job('materialize_task_series', json_build_object('seriesId', ?::text), run_at := now(), job_key := ?, job_key_mode := 'replace')",
      [seriesId, `task-series:${seriesId}`],
    );
    const afterJob = await eventually(
      async () => dueTimes(await series(team, seriesId)),
      (list) => list.length > afterRuns.length,
    );
    expect(afterJob.length).toBeGreaterThan(afterRuns.length);
    expect(afterJob).toEqual([...Array(afterJob.length).keys()].map((d) => iso(start + d * DAY)));
    const created = (await w.eventLog(team.patient.id)).types.filter((t) => t === 'TASK_CREATED').length;
    expect(created).toBe(afterJob.length);
  });

  it('records TASK_SERIES_CREATED then a TASK_CREATED per occurrence, each naming the series', async () => {
    const team = await w.team();
    const { task } = await create(team, {
      kind: 'OTHER',
      dueAt: iso(tomorrowAt(8)),
      recurrence: { rule: 'FREQ=WEEKLY;COUNT=2', timeZone: 'Europe/Berlin', horizonDays: 30 },
    });
    const events = ok(await hub.gql(SeriesEventsDocument, { id: team.patient.id }, team.ownerToken)).patientEvents.edges.map((e) => e.node);
    const ofSeries = events.filter((e) => e.taskSeries?.id === task!.series!.id);
    expect(ofSeries.map((e) => e.type)).toEqual(['TASK_SERIES_CREATED', 'TASK_CREATED', 'TASK_CREATED', 'TASK_SERIES_COMPLETED']);
    expect(ofSeries[1].task?.id).toBe(task!.id);
    expect(ofSeries[1].summary).toMatch(/^Recurring task "Physiotherapy" .* is due \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin/);
  });

  it.each([
    ['FREQ=HOURLY;COUNT=3', 'recurrence.rule'],
    ['FREQ=WEEKLY;BYDAY=XX', 'recurrence.rule'],
    ['FREQ=DAILY;COUNT=2;UNTIL=20300101T000000Z', 'recurrence.rule'],
    ['FREQ=DAILY;COUNT=0', 'recurrence.rule'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'recurrence.rule'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'recurrence.rule'],
    ['every monday', 'recurrence.rule'],
    ['DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY', 'recurrence.rule'],
  ])('refuses the rule %j with BAD_USER_INPUT on %s and writes nothing', async (rule, field) => {
    const team = await w.team();
    const unchanged = await w.snapshot(team.patient.id);
    const { result } = await create(team, { dueAt: iso(tomorrowAt(8)), recurrence: { rule, timeZone: 'Europe/Berlin' } });
    expect(refusal(result)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    await unchanged();
    expect(await sql('select 1 from task_series where patient_id = ?', [team.patient.id])).toEqual([]);
  });

  it('refuses an unknown time zone, a missing start and a start in the past, naming the field', async () => {
    const team = await w.team();
    const unchanged = await w.snapshot(team.patient.id);
    const rule = 'FREQ=DAILY;COUNT=2';
    const cases: [Partial<CreateTaskInput>, string][] = [
      [{ dueAt: iso(tomorrowAt(8)), recurrence: { rule, timeZone: 'Mars/Olympus_Mons' } }, 'recurrence.timeZone'],
      [{ dueAt: iso(tomorrowAt(8)), recurrence: { rule, timeZone: '+01:00' } }, 'recurrence.timeZone'],
      [{ recurrence: { rule, timeZone: 'UTC' } }, 'recurrence'],
      [{ dueAt: iso(Date.now() - 3 * DAY), recurrence: { rule, timeZone: 'UTC' } }, 'dueAt'],
      [{ dueAt: iso(tomorrowAt(8)), recurrence: { rule, timeZone: 'UTC', horizonDays: 0 } }, 'recurrence.horizonDays'],
    ];
    for (const [input, field] of cases) {
      expect(refusal((await create(team, { kind: 'OTHER', ...input })).result)).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field },
      });
    }
    await unchanged();
  });

  it('is cancelled by the plan owner with its upcoming occurrences, not by another member; its job goes', async () => {
    const team = await w.team();
    const { task } = await create(team, {
      kind: 'OTHER',
      assigneeId: team.nurse.id,
      dueAt: iso(tomorrowAt(8)),
      recurrence: { rule: 'FREQ=DAILY', timeZone: 'UTC', horizonDays: 3 },
    });
    const s = await series(team, task!.series!.id);
    expect(await jobOf(s.id)).not.toBeNull();
    const input = { id: s.id, expectedVersion: s.version };
    expect(refusal(await hub.gql(CancelTaskSeriesDocument, { input }, team.nurseToken)).code).toBe('FORBIDDEN');
    expect(refusal(await hub.gql(CancelTaskSeriesDocument, { input }, team.outsiderToken)).code).toBe('NOT_FOUND');
    const cancelled = ok(await hub.gql(CancelTaskSeriesDocument, { input }, team.ownerToken)).cancelTaskSeries;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.upcoming).toEqual([]);
    expect(cancelled.tasks.edges.map((e) => e.node.status)).toEqual(cancelled.tasks.edges.map(() => 'CANCELLED'));
    expect(await jobOf(s.id)).toBeNull();
    const again = await hub.gql(CancelTaskSeriesDocument, { input: { id: s.id, expectedVersion: cancelled.version } }, team.ownerToken);
    expect(refusal(again).code).toBe('INVALID_TRANSITION');
  });
});

describe('an appointment', () => {
  it('carries a start, an end, a location and an https telehealth link; its deadline defaults to its start', async () => {
    const team = await w.team();
    const { task } = await create(team, {
      kind: 'TELECONSULT',
      startAt: iso(tomorrowAt(14)),
      endAt: iso(tomorrowAt(14) + HOUR / 2),
      telehealthUrl: 'https://meet.example.org/room-7',
      location: 'Video',
    });
    expect(task).toMatchObject({
      startAt: iso(tomorrowAt(14)),
      endAt: iso(tomorrowAt(14) + HOUR / 2),
      dueAt: iso(tomorrowAt(14)),
      telehealthUrl: 'https://meet.example.org/room-7',
      location: 'Video',
      series: null,
    });
  });

  it.each([
    [{ kind: 'MEDICATION', startAt: 'S', endAt: 'E' }, 'startAt'],
    [{ kind: 'ASSESSMENT', location: 'Room 4' }, 'location'],
    [{ kind: 'TELECONSULT', startAt: 'S', endAt: 'E', telehealthUrl: 'http://meet.example.org/x' }, 'telehealthUrl'],
    [{ kind: 'TELECONSULT', startAt: 'S', endAt: 'E', telehealthUrl: 'javascript:alert(1)' }, 'telehealthUrl'],
    [{ kind: 'HOME_VISIT', startAt: 'E', endAt: 'S' }, 'endAt'],
    [{ kind: 'HOME_VISIT', startAt: 'S' }, 'endAt'],
  ] as const)('refuses %j with BAD_USER_INPUT on %s', async (fields, field) => {
    const team = await w.team();
    const unchanged = await w.snapshot(team.patient.id);
    const times = { S: iso(tomorrowAt(10)), E: iso(tomorrowAt(11)) } as Record<string, string>;
    const input = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === 'startAt' || k === 'endAt' ? times[v] : v]));
    expect(refusal((await create(team, input as Partial<CreateTaskInput>)).result)).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field },
    });
    await unchanged();
  });
});

describe('schedule(from, to, providerIds)', () => {
  it("lists the appointments of the caller's patients in the window, ordered by start, and nobody else's", async () => {
    const team = await w.team();
    const other = await w.team(); // another patient, whose team the caller is not on
    const at = (h: number) => ({ startAt: iso(tomorrowAt(h)), endAt: iso(tomorrowAt(h) + HOUR) });
    const late = (await create(team, { ...at(15), kind: 'HOME_VISIT', assigneeId: team.nurse.id })).task!;
    const early = (await create(team, { ...at(9), kind: 'FOLLOW_UP', assigneeId: team.owner.id })).task!;
    const outside = (await create(team, { startAt: iso(tomorrowAt(9) + 3 * DAY), endAt: iso(tomorrowAt(10) + 3 * DAY) })).task!;
    const hidden = (await create(other, { ...at(11), kind: 'HOME_VISIT' }, other.owner)).task!;
    await create(team, { kind: 'OTHER', dueAt: iso(tomorrowAt(12)) }); // no appointment
    const window = { from: iso(tomorrowAt(0)), to: iso(tomorrowAt(0) + DAY) };

    const mine = ok(await hub.gql(ScheduleDocument, window, team.nurseToken)).schedule.map((t) => t.id);
    expect(mine).toEqual([early.id, late.id]);
    expect(mine).not.toContain(outside.id);
    expect(mine).not.toContain(hidden.id);
    const nurses = ok(await hub.gql(ScheduleDocument, { ...window, providerIds: [team.nurse.id] }, team.ownerToken)).schedule;
    expect(nurses.map((t) => t.id)).toEqual([late.id]);
    expect(ok(await hub.gql(ScheduleDocument, window, team.outsiderToken)).schedule).toEqual([]);
    expect(refusal(await hub.gql(ScheduleDocument, window, await w.adminToken())).code).toBe('FORBIDDEN');
  });

  it('refuses a window that ends before it starts or spans more than 92 days', async () => {
    const team = await w.team();
    const from = tomorrowAt(0);
    for (const to of [from - HOUR, from + 93 * DAY]) {
      expect(refusal(await hub.gql(ScheduleDocument, { from: iso(from), to: iso(to) }, team.ownerToken))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'to' },
      });
    }
  });
});

describe('double-booking', () => {
  it('books an overlapping appointment of the same assignee with a DOUBLE_BOOKED warning in extensions, not an error', async () => {
    const team = await w.team();
    const first = (
      await create(team, { kind: 'HOME_VISIT', assigneeId: team.nurse.id, startAt: iso(tomorrowAt(10)), endAt: iso(tomorrowAt(11)) })
    ).task!;
    const { result, task } = await create(team, {
      kind: 'THERAPY_SESSION',
      assigneeId: team.nurse.id,
      startAt: iso(tomorrowAt(10) + HOUR / 2),
      endAt: iso(tomorrowAt(11) + HOUR / 2),
    });
    expect(result.errors).toBeUndefined();
    expect(task!.id).toBeDefined();
    expect(result.extensions?.warnings).toEqual([
      expect.objectContaining({
        code: 'DOUBLE_BOOKED',
        field: 'startAt',
        providerId: team.nurse.id,
        taskId: task!.id,
        overlapping: 1,
        overlappingTaskIds: [first.id],
      }),
    ]);
    // Back to back is no overlap; another assignee is none either.
    const next = await create(team, {
      kind: 'HOME_VISIT',
      assigneeId: team.nurse.id,
      startAt: iso(tomorrowAt(12)),
      endAt: iso(tomorrowAt(13)),
    });
    expect(next.result.extensions?.warnings).toBeUndefined();
    const owners = await create(team, {
      kind: 'FOLLOW_UP',
      assigneeId: team.owner.id,
      startAt: iso(tomorrowAt(10)),
      endAt: iso(tomorrowAt(11)),
    });
    expect(owners.result.extensions?.warnings).toBeUndefined();
  });

  it('warns when an appointment is assigned to someone booked at that time', async () => {
    const team = await w.team();
    const busy = (
      await create(team, { kind: 'HOME_VISIT', assigneeId: team.nurse.id, startAt: iso(tomorrowAt(13)), endAt: iso(tomorrowAt(14)) })
    ).task!;
    const visit = (
      await create(team, { kind: 'FOLLOW_UP', assigneeId: team.owner.id, startAt: iso(tomorrowAt(13)), endAt: iso(tomorrowAt(14)) })
    ).task!;
    const assigned = await hub.gql(
      ReassignTaskDocument,
      { input: { id: visit.id, expectedVersion: visit.version, assigneeId: team.nurse.id } },
      team.ownerToken,
    );
    expect(assigned.errors).toBeUndefined();
    expect(assigned.extensions?.warnings).toEqual([
      expect.objectContaining({ code: 'DOUBLE_BOOKED', providerId: team.nurse.id, taskId: visit.id, overlappingTaskIds: [busy.id] }),
    ]);
  });

  it('warns when an appointment is moved onto another, and names only appointments the caller may see', async () => {
    const team = await w.team();
    const elsewhere = await w.patient([team.nurse]); // the nurse's other patient, whose team the owner is not on
    const otherPlan = await w.plan(elsewhere, team.nurse);
    const theirs = await hub.gql(
      CreateScheduledTaskDocument,
      {
        input: {
          carePlanId: otherPlan.id,
          title: 'Wound care',
          kind: 'HOME_VISIT',
          assigneeId: team.nurse.id,
          startAt: iso(tomorrowAt(16)),
          endAt: iso(tomorrowAt(17)),
        },
      },
      team.nurseToken,
    );
    expect(theirs.errors).toBeUndefined();
    const visit = (
      await create(team, { kind: 'HOME_VISIT', assigneeId: team.nurse.id, startAt: iso(tomorrowAt(8)), endAt: iso(tomorrowAt(9)) })
    ).task!;
    const moved = await hub.gql(
      RescheduleAppointmentDocument,
      {
        input: {
          id: visit.id,
          expectedVersion: visit.version,
          startAt: iso(tomorrowAt(16) + HOUR / 2),
          endAt: iso(tomorrowAt(17) + HOUR / 2),
        },
      },
      team.ownerToken,
    );
    expect(ok(moved).rescheduleAppointment).toMatchObject({
      startAt: iso(tomorrowAt(16) + HOUR / 2),
      dueAt: iso(tomorrowAt(16) + HOUR / 2),
    });
    expect(moved.extensions?.warnings).toEqual([
      expect.objectContaining({ code: 'DOUBLE_BOOKED', overlapping: 1, overlappingTaskIds: [] }),
    ]);
    expect(JSON.stringify(moved)).not.toContain(elsewhere.name);
    expect((await w.eventLog(team.patient.id)).types.at(-1)).toBe('TASK_RESCHEDULED');
  });
});
