/**
 * The Relay Cursor Connections spec over HTTP, as relay-compiler and a Relay
 * client rely on it: PageInfo carries hasNextPage, hasPreviousPage,
 * startCursor and endCursor on every connection. Two connections built the
 * two ways the hub builds pages: `patients` (a joined, name-ordered query)
 * and `patientEvents` (a table keyed by sequence).
 */
import { getNamedType, isNonNullType, isObjectType } from 'graphql';
import { buildHubSchema } from '../src/app/schema';
import { startTestHub, type TestHub } from './support/hub';
import { world, type World } from './support/factories';
import { post } from './support/raw';
import type { Patient } from '../src/modules/patients';

let hub: TestHub;
let w: World;

beforeAll(async () => {
  hub = await startTestHub();
  w = await world(hub);
});
afterAll(() => hub.close());

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Page {
  pageInfo: PageInfo;
  edges: { cursor: string; node: { id: string } }[];
}

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** The two connections under test, each a function of (first, after) returning its page. */
async function connections() {
  const doctor = await w.provider({ name: 'Dr. Relay' });
  const token = await w.token(doctor);
  // Three patients on the doctor's panel: `patients` has three rows.
  const roster: Patient[] = [];
  for (const name of ['Relay Ada', 'Relay Ben', 'Relay Cy']) roster.push(await w.patient([doctor], { name }));
  // The first patient's log: PATIENT_CREATED, CARE_TEAM_MEMBER_ADDED, then a plan's events (three or more in all).
  await w.plan(roster[0], doctor);

  const patientsPage = async (first: number, after?: string | null): Promise<Page> => {
    const result = await post(
      hub,
      `query($first: Int, $after: String) {
      patients(first: $first, after: $after, search: "Relay") { edges { cursor node { id } } ${PAGE_INFO} }
    }`,
      { first, after },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.patients;
  };
  const eventsPage = async (first: number, after?: string | null): Promise<Page> => {
    const result = await post(
      hub,
      `query($patientId: ID!, $first: Int, $after: String) {
      patientEvents(patientId: $patientId, first: $first, after: $after) { edges { cursor node { id } } ${PAGE_INFO} }
    }`,
      { patientId: roster[0].id, first, after },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.patientEvents;
  };
  return { patients: patientsPage, patientEvents: eventsPage };
}

let pages: Awaited<ReturnType<typeof connections>>;
beforeAll(async () => {
  pages = await connections();
});

describe.each(['patients', 'patientEvents'] as const)('PageInfo of %s', (name) => {
  const page = (first: number, after?: string | null) => pages[name](first, after);

  it('has startCursor equal to the cursor of the first edge and endCursor to the cursor of the last', async () => {
    const { edges, pageInfo } = await page(2);
    expect(edges).toHaveLength(2);
    expect(pageInfo.startCursor).toBe(edges[0].cursor);
    expect(pageInfo.endCursor).toBe(edges[1].cursor);
  });

  it('has startCursor equal to endCursor when the page holds one edge', async () => {
    const { edges, pageInfo } = await page(1);
    expect(pageInfo).toMatchObject({ startCursor: edges[0].cursor, endCursor: edges[0].cursor });
  });

  it('has null startCursor and endCursor, and no next page, when the page is empty', async () => {
    const { edges, pageInfo } = await page(0);
    expect(edges).toEqual([]);
    expect(pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasPreviousPage: false });
    const last = await page(100);
    const beyond = await page(2, last.pageInfo.endCursor);
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('has hasPreviousPage false on the first page (no after)', async () => {
    expect((await page(1)).pageInfo.hasPreviousPage).toBe(false);
  });

  it('has hasPreviousPage false after a cursor too: the connection pages forward only, which the spec allows', async () => {
    const first = await page(1);
    const second = await page(1, first.pageInfo.endCursor);
    expect(second.edges).toHaveLength(1);
    expect(second.pageInfo.hasPreviousPage).toBe(false);
  });

  it('continues after endCursor with the edge that follows it: the next page starts where the last ended', async () => {
    const all = await page(100);
    const first = await page(1);
    const second = await page(1, first.pageInfo.endCursor);
    expect(second.pageInfo.startCursor).toBe(all.edges[1].cursor);
    expect(second.edges[0].node.id).toBe(all.edges[1].node.id);
  });

  it('has hasNextPage true while edges follow the page and false on the last page', async () => {
    const all = await page(100);
    expect(all.edges.length).toBeGreaterThanOrEqual(3);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect((await page(all.edges.length - 1)).pageInfo.hasNextPage).toBe(true);
    const upToLast = await page(all.edges.length - 1);
    expect((await page(1, upToLast.pageInfo.endCursor)).pageInfo.hasNextPage).toBe(false);
  });
});

describe('every connection of the schema', () => {
  it('has the shape relay-compiler requires for @connection: edges { cursor node } and pageInfo: PageInfo! with all four fields', () => {
    const schema = buildHubSchema();
    const pageInfo = schema.getType('PageInfo');
    expect(isObjectType(pageInfo) && Object.fromEntries(Object.values(pageInfo.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
      startCursor: 'String',
      endCursor: 'String',
    });
    const connections = Object.values(schema.getTypeMap()).filter((type) => isObjectType(type) && type.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThanOrEqual(5);
    for (const type of connections) {
      if (!isObjectType(type)) continue;
      const fields = type.getFields();
      expect({ type: type.name, pageInfo: String(fields.pageInfo?.type) }).toEqual({ type: type.name, pageInfo: 'PageInfo!' });
      const edge = getNamedType(fields.edges.type);
      expect(isNonNullType(fields.edges.type)).toBe(true);
      expect(isObjectType(edge) && Object.keys(edge.getFields()).sort()).toEqual(['cursor', 'node']);
    }
  });
});
