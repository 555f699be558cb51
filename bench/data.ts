import crypto from 'node:crypto';
import type { Client } from 'pg';

/**
 * The benchmark's data set, generated set-based inside PostgreSQL (one
 * INSERT … SELECT per table and chunk) so 100,000 patients load in minutes,
 * not hours. Ids follow the hub's format (`pat_<32 hex>`), derived from a
 * tag and an ordinal so a run can find its own rows again.
 *
 * Shape per patient: a care team of 3–6 providers, one ACTIVE plan with 3
 * goals and 10 tasks in mixed states, 50 events. The bench provider (the
 * "dashboard user") is on the first `benchPatients` patients' teams, owns
 * their plans, and has one IN_PROGRESS task on each.
 */
export interface DataSpec {
  /** Distinguishes the rows of one generation call from another's. */
  tag: string;
  patients: number;
  providers: number;
  /** Patients (from the first) whose team includes the bench provider. */
  benchPatients: number;
  eventsPerPatient?: number;
}

export interface DataSet {
  organizationId: string;
  benchProviderId: string;
  /** Provider ids (the bench provider first). */
  providerIds: string[];
  /** The bench provider's patients, in generation order. */
  benchPatientIds: string[];
  /** One IN_PROGRESS task assigned to the bench provider on each of its patients. */
  benchTaskIds: string[];
}

const CHUNK = 10_000;

const id = (prefix: string, tag: string, kind: string, n: string) => `'${prefix}_' || md5('${tag}:${kind}:' || ${n})`;

export async function generate(pg: Client, spec: DataSpec, progress: (done: number) => void = () => undefined): Promise<DataSet> {
  const { tag, patients, providers } = spec;
  const events = spec.eventsPerPatient ?? 50;
  const bench = Math.min(spec.benchPatients, patients);
  if (!/^[a-z0-9]+$/.test(tag)) throw new Error('tag: lowercase letters and digits only');
  const org = `org_${md5(`${tag}:org`)}`;
  const prv = (n: string) => id('prv', tag, 'prv', n);
  // Provider 1 is the bench provider; team member k of patient n is provider ((n*7 + k*37) mod R) + 1, distinct for k < 6.
  const member = (n: string, k: string) => prv(`((${n} * 7 + ${k} * 37) % ${providers}) + 1`);

  await pg.query(`insert into organization (id, name, created_at) values ($1, $2, now())`, [org, `Bench clinic ${tag}`]);
  await pg.query(
    `
    insert into provider (id, organization_id, name, discipline, specialty, email, created_at)
    select ${prv('n')}, $1, 'Provider ' || n,
           (array['PHYSICIAN','SPECIALIST','THERAPIST','NURSE'])[1 + n % 4],
           case when n % 4 = 1 then 'Cardiology' end,
           'prv-${tag}-' || n || '@bench.example', now()
    from generate_series(1, ${providers}) n`,
    [org],
  );

  for (let from = 1; from <= patients; from += CHUNK) {
    const to = Math.min(patients, from + CHUNK - 1);
    const series = `generate_series(${from}, ${to}) n`;
    const owner = (n: string) => `case when ${n} <= ${bench} then ${prv('1')} else ${member(n, '0')} end`;
    await pg.query(
      `
      insert into patient (id, organization_id, mrn, name, birth_date, preferred_language, history, preferences,
                           personal_goals, support_network, allergies, conditions, medications, last_event_sequence,
                           version, created_at, updated_at)
      select ${id('pat', tag, 'pat', 'n')}, $1, 'MRN-${tag}-' || n,
             (array['Ada','Bruno','Chidi','Dana','Emil','Farah','Goran','Hana','Ivo','Jana'])[1 + n % 10] || ' '
               || (array['Novak','Okafor','Silva','Berg','Kowalski','Haddad','Moreau','Tanaka','Larsen'])[1 + n % 9] || ' ' || n,
             date '1940-01-01' + (n * 37 % 20000), 'en', 'Generated history for patient ' || n,
             array['Prefers morning visits'], array['Walk to the shop'],
             '[{"name":"Family contact","relationship":"daughter","phone":"+1 555 0100"}]'::jsonb,
             '[{"substance":"Penicillin","reaction":"Rash","criticality":"HIGH"}]'::jsonb,
             '[{"description":"Hypertension","code":"I10"}]'::jsonb,
             '[{"name":"Ramipril","dose":"5 mg","frequency":"daily"}]'::jsonb,
             ${events}, 1, now() - n * interval '1 second', now()
      from ${series}`,
      [org],
    );
    await pg.query(`
      insert into care_team_member (id, patient_id, provider_id, role, started_at)
      select ${id('ctm', tag, 'ctm', "n || ':' || k")}, ${id('pat', tag, 'pat', 'n')}, ${member('n', 'k')},
             (array['Attending physician','Specialist','Therapist','Nurse','Nurse','Care coordinator'])[1 + k], now()
      from ${series}, generate_series(0, 2 + n % 4) k
      union all
      select ${id('ctm', tag, 'ctm', "n || ':bench'")}, ${id('pat', tag, 'pat', 'n')}, ${prv('1')}, 'Attending physician', now()
      from ${series} where n <= ${bench}
      on conflict do nothing`);
    await pg.query(`
      insert into care_plan (id, patient_id, title, description, category, status, owner_id, warning_signs, version, created_at, updated_at)
      select ${id('cpl', tag, 'cpl', 'n')}, ${id('pat', tag, 'pat', 'n')}, 'Care plan ' || n, 'Generated plan',
             (array['GENERAL','HOME_RECOVERY','MENTAL_HEALTH','CHRONIC_CONDITION'])[1 + n % 4], 'ACTIVE', ${owner('n')},
             array['Shortness of breath'], 1, now(), now()
      from ${series}`);
    await pg.query(`
      insert into goal (id, care_plan_id, patient_id, description, target, status, version, created_at, updated_at)
      select ${id('gol', tag, 'gol', "n || ':' || g")}, ${id('cpl', tag, 'cpl', 'n')}, ${id('pat', tag, 'pat', 'n')},
             'Goal ' || g || ' of patient ' || n, 'measurable', (array['PROPOSED','ACTIVE','ACHIEVED'])[g], 1, now(), now()
      from ${series}, generate_series(1, 3) g`);
    // Task j: status from a fixed mix; task 3 (IN_PROGRESS) of a bench patient is the bench provider's.
    await pg.query(`
      insert into task (id, care_plan_id, patient_id, title, kind, priority, status, assignee_id, requester_id, due_at,
                        version, created_at, updated_at)
      select ${id('tsk', tag, 'tsk', "n || ':' || j")}, ${id('cpl', tag, 'cpl', 'n')}, ${id('pat', tag, 'pat', 'n')},
             'Task ' || j || ' of patient ' || n,
             (array['MEDICATION','FOLLOW_UP','HOME_VISIT','TELECONSULT','THERAPY_SESSION','ASSESSMENT','EDUCATION','OTHER'])[1 + j % 8],
             (array['ROUTINE','ROUTINE','URGENT','ASAP'])[1 + j % 4],
             (array['REQUESTED','ACCEPTED','IN_PROGRESS','ON_HOLD','COMPLETED','REQUESTED','IN_PROGRESS','CANCELLED','ACCEPTED','IN_PROGRESS'])[j],
             case when j = 3 and n <= ${bench} then ${prv('1')} else ${member('n', `(j % (3 + n % 4))`)} end,
             ${owner('n')}, now() + j * interval '1 day', 1, now(), now()
      from ${series}, generate_series(1, 10) j`);
    await pg.query(`
      insert into event (id, patient_id, sequence, type, at, actor_id, actor_sub, subject_ids, summary)
      select ${id('evt', tag, 'evt', "n || ':' || s")}, ${id('pat', tag, 'pat', 'n')}, s,
             case when s = 1 then 'PATIENT_CREATED' when s % 3 = 0 then 'TASK_NOTE_ADDED' else 'TASK_STATUS_CHANGED' end,
             now() - (${events} - s) * interval '1 minute', ${owner('n')}, ${owner('n')},
             case when s > 1 then array[${id('cpl', tag, 'cpl', 'n')}, ${id('tsk', tag, 'tsk', "n || ':' || (1 + s % 10)")}]
                  else array[]::text[] end,
             'Generated event ' || s
      from ${series}, generate_series(1, ${events}) s`);
    progress(to);
  }
  // As a database in service would be: statistics current, and the bulk insert already vacuumed, so
  // autovacuum does not sweep millions of fresh rows while the bench measures.
  await pg.query('vacuum analyze');

  const providerIds = Array.from({ length: providers }, (_, i) => `prv_${md5(`${tag}:prv:${i + 1}`)}`);
  const benchPatientIds = Array.from({ length: bench }, (_, i) => `pat_${md5(`${tag}:pat:${i + 1}`)}`);
  const benchTaskIds = Array.from({ length: bench }, (_, i) => `tsk_${md5(`${tag}:tsk:${i + 1}:3`)}`);
  return { organizationId: org, benchProviderId: providerIds[0], providerIds, benchPatientIds, benchTaskIds };
}

function md5(text: string): string {
  return crypto.createHash('md5').update(text).digest('hex');
}
