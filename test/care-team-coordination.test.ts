import {
  CoordinatorAddsMemberDocument,
  CoordinatorEndsMembershipDocument,
  TeamEventTailDocument,
  TeamRosterDocument,
  type CareTeamRoleKind,
} from './__generated__/graphql';
import { startTestHub, type TestHub } from './support/hub';
import { ok, refusal, world, type World } from './support/factories';
import { CarePlanStatus } from '../src/modules/care-plans';
import type { Provider } from '../src/modules/providers';
import type { Patient } from '../src/modules/patients';

/**
 * Who coordinates (issue 13, item 1): a COORDINATOR of a patient's care team,
 * or the owner of the patient's ACTIVE plan, adds and ends members of THAT
 * team without an operator account, within their organization; everyone
 * else keeps the answer they had (FORBIDDEN). ADMIN's own powers are tested
 * in registry.test.ts.
 */

let hub: TestHub;
let w: World;
let elsewhere: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
  elsewhere = await world(hub);
});
afterAll(() => hub.close());

async function join(patient: Patient, provider: Provider, role: string, roleKind: CareTeamRoleKind | null, token: string) {
  return hub.gql(CoordinatorAddsMemberDocument, { input: { patientId: patient.id, providerId: provider.id, role, roleKind } }, token);
}

/** The standard team (owner with an ACTIVE plan, nurse) plus a coordinator the operator put on it. */
async function coordinatedTeam(options: { planStatus?: CarePlanStatus } = {}) {
  const t = await w.team(options);
  const coordinator = await w.provider({ name: `Coordinator ${Math.random().toString(36).slice(2, 8)}` });
  const added = ok(await join(t.patient, coordinator, 'care coordinator', 'COORDINATOR', await w.adminToken())).addCareTeamMember;
  return { ...t, coordinator, coordinatorMembershipId: added.id, coordinatorToken: await w.token(coordinator) };
}

const tail = async (patientId: string, token: string, last: number) =>
  ok(await hub.gql(TeamEventTailDocument, { patientId, last }, token)).patientEvents.edges.map((e) => e.node);

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => hub.orm.em.getConnection().execute<T[]>(query, params);

describe('a COORDINATOR manages the care team of their patient', () => {
  it('adds a provider of the organization, who sees the patient at once; CARE_TEAM_MEMBER_ADDED names the coordinator', async () => {
    const t = await coordinatedTeam();
    const physio = await w.provider({ name: 'Tom Eriksen' });

    const added = ok(await join(t.patient, physio, 'physiotherapist', 'THERAPIST', t.coordinatorToken)).addCareTeamMember;
    expect(added).toMatchObject({ role: 'physiotherapist', roleKind: 'THERAPIST', active: true, provider: { id: physio.id } });

    const roster = ok(await hub.gql(TeamRosterDocument, { id: t.patient.id }, await w.token(physio))).patient!;
    expect(roster.careTeam.map((m) => [m.provider.id, m.roleKind])).toEqual([
      [t.owner.id, 'OTHER'],
      [t.nurse.id, 'OTHER'],
      [t.coordinator.id, 'COORDINATOR'],
      [physio.id, 'THERAPIST'],
    ]);
    const [event] = await tail(t.patient.id, t.ownerToken, 1);
    expect(event).toMatchObject({
      type: 'CARE_TEAM_MEMBER_ADDED',
      actor: { id: t.coordinator.id },
      summary: `${t.coordinator.name} added Tom Eriksen to the care team as physiotherapist (THERAPIST)`,
      changes: [
        { field: 'provider', from: null, to: physio.id },
        { field: 'role', from: null, to: 'physiotherapist' },
        { field: 'roleKind', from: null, to: 'THERAPIST' },
        { field: 'startedAt', from: null, to: expect.any(String) },
      ],
    });
  });

  it("ends a membership: the leaver's open tasks return to the team, CARE_TEAM_MEMBER_ENDED names who ended it", async () => {
    const t = await coordinatedTeam();
    const task = await w.task(t.plan, t.owner, { assignee: t.nurse, title: 'Wound check' });
    const before = await w.eventLog(t.patient.id);

    const ended = ok(
      await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: t.nurseMembership.id } }, t.coordinatorToken),
    ).endCareTeamMembership;
    expect(ended).toMatchObject({ id: t.nurseMembership.id, active: false, endedAt: expect.any(String) });

    const after = await w.eventLog(t.patient.id);
    expect(after.types.slice(before.count)).toEqual(['CARE_TEAM_MEMBER_ENDED', 'TASK_UNASSIGNED']);
    const [end, unassigned] = await tail(t.patient.id, t.ownerToken, 2);
    expect(end).toMatchObject({
      actor: { id: t.coordinator.id },
      summary: `${t.coordinator.name} ended ${t.nurse.name}'s membership of the care team (home nurse)`,
      changes: [{ field: 'endedAt', from: null, to: ended.endedAt }],
    });
    expect(unassigned).toMatchObject({
      actor: { id: t.coordinator.id },
      summary: `"Wound check" needs a new assignee: ${t.nurse.name} left the care team`,
    });
    expect(await w.row('task', task.id)).toMatchObject({ assignee_id: null, status: 'REQUESTED' });
    expect(refusal(await hub.gql(TeamRosterDocument, { id: t.patient.id }, t.nurseToken)).code).toBe('NOT_FOUND');
  });

  it('may leave the team themselves ("… left the care team"), and manages it no longer', async () => {
    const t = await coordinatedTeam();
    ok(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: t.coordinatorMembershipId } }, t.coordinatorToken));
    const [event] = await tail(t.patient.id, t.ownerToken, 1);
    expect(event).toMatchObject({
      type: 'CARE_TEAM_MEMBER_ENDED',
      actor: { id: t.coordinator.id },
      summary: `${t.coordinator.name} left the care team (care coordinator)`,
    });
    const unchanged = await w.snapshot(t.patient.id);
    const newcomer = await w.provider();
    expect(refusal(await join(t.patient, newcomer, 'dietitian', null, t.coordinatorToken)).code).toBe('FORBIDDEN');
    await unchanged();
  });

  it("refuses the coordinator of ANOTHER patient: FORBIDDEN on this patient's team, nothing written", async () => {
    const t = await w.team();
    const other = await coordinatedTeam(); // the same organization, another patient
    const newcomer = await w.provider();
    const unchanged = await w.snapshot(t.patient.id, 'care_team_member', t.nurseMembership.id);

    expect(refusal(await join(t.patient, newcomer, 'dietitian', null, other.coordinatorToken)).code).toBe('FORBIDDEN');
    expect(
      refusal(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: t.nurseMembership.id } }, other.coordinatorToken))
        .code,
    ).toBe('FORBIDDEN');
    await unchanged();
    expect(await sql('select 1 from care_team_member where patient_id = ? and provider_id = ?', [t.patient.id, newcomer.id])).toEqual([]);
    // Their own patient's team they do manage.
    ok(await join(other.patient, newcomer, 'dietitian', null, other.coordinatorToken));
  });

  it('refuses a provider of another organization with BAD_USER_INPUT on providerId, for a coordinator and a plan owner alike', async () => {
    const t = await coordinatedTeam();
    const foreign = await elsewhere.provider();
    const unchanged = await w.snapshot(t.patient.id);
    for (const token of [t.coordinatorToken, t.ownerToken]) {
      expect(refusal(await join(t.patient, foreign, 'consultant', 'SPECIALIST', token))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'providerId' },
      });
    }
    await unchanged();
  });

  it('re-checks the right under the patient lock: a coordinator whose role changed while their write waited is refused', async () => {
    const t = await coordinatedTeam();
    const newcomer = await w.provider();
    const before = await w.eventLog(t.patient.id);
    let request!: Promise<Awaited<ReturnType<typeof join>>>;
    await hub.orm.em.fork().transactional(async (tx) => {
      // Hold the patient's write lock, as another write of the patient does while it commits.
      const [{ pid }] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      await tx.execute('select id from patient where id = ? for update', [t.patient.id]);
      request = join(t.patient, newcomer, 'dietitian', null, t.coordinatorToken);
      for (let i = 0; i < 250; i++) {
        const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [
          pid,
        ]);
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await tx.execute("update care_team_member set role_kind = 'OTHER' where id = ?", [t.coordinatorMembershipId]);
    });
    expect(refusal(await request).code).toBe('FORBIDDEN');
    expect(await w.eventLog(t.patient.id)).toEqual(before);
  });
});

describe("the owner of the patient's ACTIVE plan manages its care team", () => {
  it('adds and ends members, each event naming the owner', async () => {
    const t = await w.team();
    const pharmacist = await w.provider({ name: 'Pharmacist Pia' });
    const added = ok(await join(t.patient, pharmacist, 'pharmacist', 'PHARMACIST', t.ownerToken)).addCareTeamMember;
    ok(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: added.id } }, t.ownerToken));
    const [joined, left] = await tail(t.patient.id, t.ownerToken, 2);
    expect(joined).toMatchObject({
      type: 'CARE_TEAM_MEMBER_ADDED',
      actor: { id: t.owner.id },
      summary: `${t.owner.name} added Pharmacist Pia to the care team as pharmacist (PHARMACIST)`,
    });
    expect(left).toMatchObject({
      type: 'CARE_TEAM_MEMBER_ENDED',
      actor: { id: t.owner.id },
      summary: `${t.owner.name} ended Pharmacist Pia's membership of the care team (pharmacist)`,
    });
  });

  it.each([CarePlanStatus.DRAFT, CarePlanStatus.ON_HOLD, CarePlanStatus.COMPLETED])(
    'refuses the owner of a %s plan (no ACTIVE one): FORBIDDEN',
    async (planStatus) => {
      const t = await w.team({ planStatus });
      const unchanged = await w.snapshot(t.patient.id);
      expect(refusal(await join(t.patient, t.outsider, 'dietitian', null, t.ownerToken)).code).toBe('FORBIDDEN');
      await unchanged();
    },
  );
});

describe('everyone else keeps the answer they had', () => {
  it('refuses a plain member, and a member in another role of the vocabulary: FORBIDDEN, nothing written', async () => {
    const t = await w.team();
    const specialist = await w.provider();
    ok(await join(t.patient, specialist, 'cardiologist', 'SPECIALIST', await w.adminToken()));
    const unchanged = await w.snapshot(t.patient.id, 'care_team_member', t.ownerMembership.id);
    for (const token of [t.nurseToken, await w.token(specialist)]) {
      expect(refusal(await join(t.patient, t.outsider, 'dietitian', null, token)).code).toBe('FORBIDDEN');
      expect(refusal(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: t.ownerMembership.id } }, token)).code).toBe(
        'FORBIDDEN',
      );
    }
    await unchanged();
  });

  it('refuses a provider off the team, and anyone for a membership that does not exist, alike: FORBIDDEN (nothing told)', async () => {
    const t = await coordinatedTeam();
    const missing = 'ctm_0000000000000000000000000000dead';
    for (const token of [t.outsiderToken, t.nurseToken, t.coordinatorToken]) {
      expect(refusal(await hub.gql(CoordinatorEndsMembershipDocument, { input: { membershipId: missing } }, token)).code).toBe('FORBIDDEN');
    }
    expect(refusal(await join(t.patient, t.outsider, 'dietitian', null, t.outsiderToken)).code).toBe('FORBIDDEN');
  });

  it('gives a member added without roleKind the role OTHER, and their creation event lists no roleKind', async () => {
    const t = await coordinatedTeam();
    const added = ok(await join(t.patient, t.outsider, 'home nurse', null, t.coordinatorToken)).addCareTeamMember;
    expect(added.roleKind).toBe('OTHER'); // the free text is not interpreted: a kind is given, or OTHER
    const [event] = await tail(t.patient.id, t.ownerToken, 1);
    expect(event.summary).toBe(`${t.coordinator.name} added ${t.outsider.name} to the care team as home nurse`);
    expect(event.changes!.map((c) => c.field)).toEqual(['provider', 'role', 'startedAt']);
  });
});
