import http from 'node:http';
import { Pool } from 'pg';

/**
 * The physical floor for the dashboard: a bare HTTP endpoint that answers the
 * Dashboard query's data for a provider in ONE hand-written SQL round trip
 * over `pg` (PostgreSQL builds the JSON), with no GraphQL, no ORM, no token
 * check and no audit. The hub is measured against it in the same run.
 *
 * POST / with {"providerId": "...", "first": 25} → the same shape as the
 * hub's `data` for the Dashboard query.
 */
const DASHBOARD_SQL = `
with mine as (
  select p.id, p.name, p.birth_date, count(*) over () as total
  from patient p
  join care_team_member m on m.patient_id = p.id and m.provider_id = $1 and m.ended_at is null
  order by p.name, p.id
  limit $2
)
select json_build_object('patients', json_build_object(
  'totalCount', coalesce(max(mine.total), 0),
  'edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', mine.id, 'name', mine.name, 'birthDate', mine.birth_date,
    'careTeam', (
      select coalesce(json_agg(json_build_object('role', t.role,
               'provider', json_build_object('id', pr.id, 'name', pr.name, 'discipline', pr.discipline))
             order by t.started_at, t.id), '[]')
      from care_team_member t join provider pr on pr.id = t.provider_id
      where t.patient_id = mine.id and t.ended_at is null),
    'activeCarePlan', (
      select json_build_object('id', c.id, 'title', c.title, 'status', c.status, 'version', c.version,
        'owner', json_build_object('id', o.id, 'name', o.name),
        'goals', (select coalesce(json_agg(json_build_object('id', g.id, 'description', g.description, 'status', g.status)
                                  order by g.id), '[]')
                  from goal g where g.care_plan_id = c.id),
        'tasks', json_build_object('edges', (
          select coalesce(json_agg(json_build_object('node', json_build_object(
                   'id', k.id, 'title', k.title, 'kind', k.kind, 'priority', k.priority, 'status', k.status,
                   'dueAt', k.due_at,
                   'assignee', case when a.id is null then null
                                    else json_build_object('id', a.id, 'name', a.name, 'discipline', a.discipline) end))
                 order by k.id), '[]')
          from (select * from task
                where care_plan_id = c.id and status in ('REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD')
                order by id limit 20) k
          left join provider a on a.id = k.assignee_id)))
      from care_plan c join provider o on o.id = c.owner_id
      where c.patient_id = mine.id and c.status = 'ACTIVE'
      order by c.created_at desc limit 1)
  )) order by mine.name, mine.id), '[]'))) as data
from mine`;

export function startFloor(databaseUrl: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const { providerId, first } = JSON.parse(Buffer.concat(chunks).toString());
        const { rows } = await pool.query(DASHBOARD_SQL, [providerId, first]);
        const body = JSON.stringify({ data: rows[0].data });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${bound}/`,
        close: async () => {
          await new Promise((r) => server.close(r));
          await pool.end();
        },
      });
    });
  });
}

// As a child process of the bench: start, report the URL, stop when the parent goes.
if (require.main === module) {
  startFloor(process.env.DATABASE_URL!).then((floor) => {
    process.send!({ ready: true, url: floor.url });
    process.on('disconnect', () => void floor.close().then(() => process.exit(0)));
  });
}
