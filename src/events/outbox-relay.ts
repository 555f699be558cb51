import { Client } from 'pg';
import type { Logger } from '../core/logger';
import { EVENTS_CHANNEL, parseNotice, type EventNotice } from './bus';

/** Publishes a notice about `id` (a patient, or a provider who joined or left its team) and resolves once it is stored. */
export interface NoticePublisher {
  publish(organizationId: string, id: string, notice: EventNotice): Promise<void>;
}

/** One relay across all instances: the holder of this session-level advisory lock (on its own connection). */
const RELAY_LOCK = 0x63617265; // "care"
const BATCH = 200;
/** The relay's connection, recognisable in pg_stat_activity. */
export const RELAY_APPLICATION_NAME = 'carehub-event-relay';

interface Pending {
  patient_id: string;
  organization_id: string;
  last: number;
  published: number;
}

/**
 * The outbox relay: publishes what the events table holds to the bus, after
 * commit, never losing an event. The events table is the outbox; how far each
 * patient's events are published is `event_relay_position.sequence`, moved
 * only after the bus acknowledged the notice, so a relay killed between the
 * two publishes again (subscribers take events by sequence: a repeated
 * notice costs a read, never a duplicate delivery).
 *
 * Every instance runs one; the one holding the advisory lock relays, the
 * others retry the lock and take over when its connection ends. The relay
 * listens for the writes' NOTIFY (`patient:first:last`) to know which patients
 * to look at, and looks at all of them when it takes the lock or reconnects.
 * A notice also goes to the subject of each provider whose membership one of
 * the events names, so an instance following that provider's panel hears of a
 * patient the provider just joined.
 */
export class OutboxRelay {
  private client: Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** Patients to look at; null: all of them (after taking the lock). */
  private dirty: Set<string> | null = null;
  private running: Promise<void> = Promise.resolve();
  private holds = false;

  constructor(
    private readonly url: string,
    private readonly publisher: NoticePublisher,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private schedule(delayMs: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(() => this.step()).catch(() => undefined);
    }, delayMs);
  }

  /** Takes the lock if it can, then relays what is pending; schedules the next step. */
  private async step() {
    if (this.stopped) return;
    try {
      if (!this.holds && !(await this.acquire())) return this.schedule(this.retryMs);
      await this.relay();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'event relay: publishing failed; retrying');
      this.schedule(this.retryMs);
    }
  }

  private async acquire(): Promise<boolean> {
    const client = this.client ?? (await this.connect());
    const [{ locked }] = (await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [RELAY_LOCK])).rows;
    if (!locked) return false;
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.holds = true;
    this.dirty = null; // look at every patient: anything may have been left by the previous relay
    this.logger.info('event relay: this instance relays committed events to the bus');
    return true;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.url, keepAlive: true, application_name: RELAY_APPLICATION_NAME });
    client.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (!notice || !this.dirty) return;
      this.dirty.add(notice.patientId);
      if (!this.timer) this.schedule(0);
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.holds = false; // the lock ended with the session
      client.end().catch(() => undefined);
      if (!this.stopped) this.logger.warn({ err: err?.message }, 'event relay lost its connection; retrying');
      this.schedule(this.retryMs);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    this.client = client;
    return client;
  }

  /** Publishes every pending patient's unpublished range, BATCH patients at a time, then records how far. */
  private async relay() {
    const client = this.client!;
    let full = this.dirty === null; // after taking the lock: every patient, paged by id
    let after = '';
    const noticed = (this.dirty ??= new Set()); // notices that arrive meanwhile are kept here
    for (;;) {
      let ids: string[] | null = null;
      if (!full) {
        if (noticed.size === 0) return;
        ids = [...noticed];
        noticed.clear();
      }
      const { rows } = await client.query<Pending>(
        `select p.id as patient_id, p.organization_id, p.last_event_sequence as last, coalesce(r.sequence, 0) as published
           from patient p left join event_relay_position r on r.patient_id = p.id
          where p.last_event_sequence > coalesce(r.sequence, 0) and ($1::text[] is null or p.id = any($1)) and p.id > $2
          order by p.id limit ${BATCH}`,
        [ids, after],
      );
      if (full) {
        if (rows.length < BATCH) full = false;
        else after = rows.at(-1)!.patient_id;
      } else if (rows.length === BATCH) {
        // Patients beyond this batch stay for the next round.
        const done = new Set(rows.map((r) => r.patient_id));
        ids!.filter((id) => !done.has(id)).forEach((id) => noticed.add(id));
      }
      try {
        await this.publishBatch(client, rows);
      } catch (err) {
        if (ids) rows.forEach((r) => noticed.add(r.patient_id));
        else this.dirty = null; // the full look starts again
        throw err;
      }
    }
  }

  private async publishBatch(client: Client, rows: Pending[]) {
    if (!rows.length) return;
    // Providers whose membership (its id among an event's subjects) the unpublished events name.
    const { rows: joined } = await client.query<{ patient_id: string; provider_id: string }>(
      `select distinct e.patient_id, m.provider_id
         from unnest($1::text[], $2::int[], $3::int[]) as u(patient_id, published, last)
         join event e on e.patient_id = u.patient_id and e.sequence > u.published and e.sequence <= u.last
         join care_team_member m on m.id = any(e.subject_ids)`,
      [rows.map((r) => r.patient_id), rows.map((r) => Number(r.published)), rows.map((r) => Number(r.last))],
    );
    await Promise.all(
      rows.flatMap((row) => {
        const notice = { patientId: row.patient_id, first: Number(row.published) + 1, last: Number(row.last) };
        const providers = joined.filter((j) => j.patient_id === row.patient_id).map((j) => j.provider_id);
        return [row.patient_id, ...providers].map((id) => this.publisher.publish(row.organization_id, id, notice));
      }),
    );
    // Only now, with every notice stored by the bus, is the range published.
    await client.query(
      `insert into event_relay_position (patient_id, sequence)
       select * from unnest($1::text[], $2::int[])
       on conflict (patient_id) do update set sequence = greatest(event_relay_position.sequence, excluded.sequence)`,
      [rows.map((r) => r.patient_id), rows.map((r) => Number(r.last))],
    );
  }
}
