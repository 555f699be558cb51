import type { Client } from 'graphql-ws';
import {
  MentionsOfMeDocument,
  PlanNoteByIdDocument,
  PlanThreadDocument,
  TeamEventTailDocument,
  WritePlanNoteDocument,
  type AddCarePlanNoteInput,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { post } from './support/raw';
import { subscribe, wsClient } from './support/ws';
import { CarePlanCategory, CarePlanStatus } from '../src/modules/care-plans';

/**
 * A care plan's thread (issue 13, item 5): `addCarePlanNote`, `CarePlan.notes`
 * (oldest first), CARE_PLAN_NOTE_ADDED naming the people, and mentions that
 * reach the mentioned provider's own live feed, `myMentions`.
 */

let hub: TestHub;
let w: World;
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => hub.close());

const client = (token: string) => {
  const c = wsClient(hub.wsUrl, token);
  clients.push(c);
  return c;
};
const write = (input: AddCarePlanNoteInput, token: string | null) => hub.gql(WritePlanNoteDocument, { input }, token);
const tail = async (patientId: string, token: string, last: number) =>
  ok(await hub.gql(TeamEventTailDocument, { patientId, last }, token)).patientEvents.edges.map((e) => e.node);

/** Waits until this hub serves `n` subscriptions (this file runs one test at a time and closes its clients after each). */
async function serving(n: number) {
  for (let i = 0; i < 250 && hub.subscriptions() < n; i++) await new Promise((r) => setTimeout(r, 20));
  expect(hub.subscriptions()).toBe(n);
}

describe('addCarePlanNote', () => {
  it('lets any team member write in the thread; one CARE_PLAN_NOTE_ADDED names the author and the mentioned and keeps the note whole', async () => {
    const t = await w.team();
    const planRow = await w.row('care_plan', t.plan.id);
    const body = 'Wound looks clean.\nCan you review the dressings on Friday?';

    const note = ok(await write({ carePlanId: t.plan.id, body: `  ${body}  `, mentions: [t.owner.id] }, t.nurseToken)).addCarePlanNote;
    expect(note).toMatchObject({
      body,
      author: { id: t.nurse.id, name: t.nurse.name },
      mentions: [{ id: t.owner.id, name: t.owner.name }],
      carePlan: { id: t.plan.id },
    });
    const [event] = await tail(t.patient.id, t.ownerToken, 1);
    expect(event).toMatchObject({
      type: 'CARE_PLAN_NOTE_ADDED',
      actor: { id: t.nurse.id },
      summary: `${t.nurse.name} wrote on care plan "${t.plan.title}", mentioning ${t.owner.name}: Wound looks clean. Can you review the dressings on Friday?`,
      note: body,
      changes: null,
      carePlan: { id: t.plan.id },
      carePlanNote: { id: note.id, body },
    });
    // A note is no change of the plan: its version stays.
    expect(await w.row('care_plan', t.plan.id)).toEqual(planRow);
  });

  it('names several mentioned members in the summary, counts a repeated mention once, and takes a note without mentions', async () => {
    const t = await w.team();
    const therapist = await w.provider({ name: 'Tom Eriksen' });
    await w.addMember(t.patient, therapist, 'physiotherapist');

    const note = ok(
      await write(
        { carePlanId: t.plan.id, body: 'Hip precautions reviewed', mentions: [t.nurse.id, therapist.id, t.nurse.id] },
        t.ownerToken,
      ),
    ).addCarePlanNote;
    expect(note.mentions.map((m) => m.id)).toEqual([t.nurse.id, therapist.id]);
    const plain = ok(await write({ carePlanId: t.plan.id, body: 'No mentions here' }, t.ownerToken)).addCarePlanNote;
    expect(plain.mentions).toEqual([]);

    const [mentioning, quiet] = await tail(t.patient.id, t.ownerToken, 2);
    expect(mentioning.summary).toBe(
      `${t.owner.name} wrote on care plan "${t.plan.title}", mentioning ${t.nurse.name} and Tom Eriksen: Hip precautions reviewed`,
    );
    expect(quiet.summary).toBe(`${t.owner.name} wrote on care plan "${t.plan.title}": No mentions here`);
  });

  it('accepts notes on a closed plan (the discussion may outlive it)', async () => {
    const t = await w.team({ planStatus: CarePlanStatus.COMPLETED });
    ok(await write({ carePlanId: t.plan.id, body: 'Discharge summary sent to the GP' }, t.nurseToken));
  });

  it('refuses a mention of anyone who is not an active member with BAD_USER_INPUT on mentions.<i>, writing nothing', async () => {
    const t = await w.team();
    const former = await w.provider();
    await w.endMembership(await w.addMember(t.patient, former, 'locum'));
    const unchanged = await w.snapshot(t.patient.id);
    const cases: [string, string][] = [
      [t.outsider.id, 'off the team'],
      [former.id, 'a former member'],
      ['prv_0000000000000000000000000000dead', 'no provider'],
      [t.plan.id, 'not a provider id'],
      ['someone', 'malformed'],
    ];
    for (const [id, what] of cases) {
      const error = refusal(await write({ carePlanId: t.plan.id, body: 'Hello', mentions: [t.owner.id, id] }, t.nurseToken));
      expect({ what, code: error.code, field: error.extensions.field }).toEqual({ what, code: 'BAD_USER_INPUT', field: 'mentions.1' });
    }
    await unchanged();
    expect(await hub.orm.em.getConnection().execute('select id from care_plan_note where care_plan_id = ?', [t.plan.id])).toEqual([]);
  });

  it('refuses a blank note, more than 20 mentions, and someone off the team or an operator (NOT_FOUND)', async () => {
    const t = await w.team();
    const unchanged = await w.snapshot(t.patient.id);
    expect(refusal(await write({ carePlanId: t.plan.id, body: '   ' }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'body' },
    });
    const many = Array.from({ length: 21 }, () => t.owner.id);
    expect(refusal(await write({ carePlanId: t.plan.id, body: 'Hi', mentions: many }, t.nurseToken))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'mentions' },
    });
    for (const token of [t.outsiderToken, await w.adminToken()]) {
      expect(refusal(await write({ carePlanId: t.plan.id, body: 'Hi' }, token)).code).toBe('NOT_FOUND');
    }
    await unchanged();
  });
});

describe('CarePlan.notes', () => {
  it('lists the thread oldest first (newest last) with keyset cursors and the total, for every member', async () => {
    const t = await w.team();
    const bodies = ['first', 'second', 'third'];
    const ids: string[] = [];
    for (const [i, body] of bodies.entries()) {
      ids.push(ok(await write({ carePlanId: t.plan.id, body }, i % 2 ? t.ownerToken : t.nurseToken)).addCarePlanNote.id);
    }
    const first = ok(await hub.gql(PlanThreadDocument, { id: t.plan.id, first: 2 }, t.ownerToken)).carePlan!.notes;
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges.map((e) => [e.node.id, e.node.body, e.node.author.id])).toEqual([
      [ids[0], 'first', t.nurse.id],
      [ids[1], 'second', t.owner.id],
    ]);
    const rest = ok(await hub.gql(PlanThreadDocument, { id: t.plan.id, first: 2, after: first.pageInfo.endCursor }, t.nurseToken)).carePlan!
      .notes;
    expect(rest.edges.map((e) => e.node.body)).toEqual(['third']);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    expect(ok(await hub.gql(PlanNoteByIdDocument, { id: ids[2] }, t.nurseToken)).node).toMatchObject({ id: ids[2], body: 'third' });
    expect(ok(await hub.gql(PlanNoteByIdDocument, { id: ids[2] }, t.outsiderToken)).node).toBeNull(); // node(id:): null when hidden
  });

  it("reads the threads of many plans in one statement (the notes' loader batches them)", async () => {
    const t = await w.team();
    const other = await w.plan(t.patient, t.owner, { category: CarePlanCategory.HOME_RECOVERY });
    ok(await write({ carePlanId: t.plan.id, body: 'on the first plan' }, t.ownerToken));
    ok(await write({ carePlanId: other.id, body: 'on the second plan' }, t.ownerToken));
    const query = `query PlanThreads($a: ID!, $b: ID!) {
      a: carePlan(id: $a) { notes(first: 5) { edges { node { body author { name } } } } }
      b: carePlan(id: $b) { notes(first: 5) { edges { node { body author { name } } } } }
    }`;
    hub.countStatements();
    const result = await post(hub, query, { a: t.plan.id, b: other.id }, t.ownerToken);
    const statements = hub.statements.filter((s) => s.includes('care_plan_note'));
    expect(result.errors).toBeUndefined();
    expect([result.data!.a.notes.edges[0].node.body, result.data!.b.notes.edges[0].node.body]).toEqual([
      'on the first plan',
      'on the second plan',
    ]);
    expect(statements).toHaveLength(1);
  });
});

describe('mentions reach the mentioned on myMentions', () => {
  it('delivers a note that mentions the caller, live, with the note; not a note that does not, nor to members not mentioned', async () => {
    const t = await w.team();
    const ownerFeed = subscribe(client(t.ownerToken), MentionsOfMeDocument, {});
    const nurseFeed = subscribe(client(t.nurseToken), MentionsOfMeDocument, {});
    await serving(2);

    ok(await write({ carePlanId: t.plan.id, body: 'No mention: for the record' }, t.nurseToken));
    const note = ok(
      await write({ carePlanId: t.plan.id, body: 'Please call the daughter', mentions: [t.owner.id] }, t.nurseToken),
    ).addCarePlanNote;

    const [delivered] = await ownerFeed.received(1);
    expect(delivered.errors).toBeUndefined();
    expect(delivered.data!.myMentions).toMatchObject({
      type: 'CARE_PLAN_NOTE_ADDED',
      summary: `${t.nurse.name} wrote on care plan "${t.plan.title}", mentioning ${t.owner.name}: Please call the daughter`,
      note: 'Please call the daughter',
      patient: { id: t.patient.id },
      carePlan: { id: t.plan.id },
      carePlanNote: { id: note.id, author: { id: t.nurse.id }, mentions: [{ id: t.owner.id }] },
    });
    await new Promise((r) => setTimeout(r, 500)); // anything else would have arrived by now
    expect(ownerFeed.results).toHaveLength(1);
    expect(nurseFeed.results).toEqual([]);
  });
});
