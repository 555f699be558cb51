import { access } from '../auth/access';
import type { Context } from '../graphql/context';
import { badInput } from '../graphql/errors';
import { expectId } from '../graphql/ids';
import { toConnection, toPage, type PageArgs } from '../graphql/pagination';
import { Connection } from '../graphql/pagination';
import { Event } from './event.entity';

export const EventConnection = Connection(Event, 'Event');

/** `sequence` is a PostgreSQL integer. */
const MAX_SEQUENCE = 2_147_483_647;

export const events = {
  /** A patient's events in sequence order; `after` continues from a cursor. */
  async ofPatient(ctx: Context, patientId: string, args: PageArgs) {
    expectId('Patient', patientId, 'patientId');
    await access.assertCanSeePatient(ctx, patientId);
    const page = toPage(args, 1);
    const after = page.after ? Number(page.after[0]) : 0;
    if (!Number.isSafeInteger(after) || after < 0 || after > MAX_SEQUENCE) {
      throw badInput('after', 'after is not a cursor returned by this connection');
    }
    const [rows, totalCount] = await Promise.all([
      ctx.em.find(Event, { patient: patientId, sequence: { $gt: after } }, { orderBy: { sequence: 'asc' }, limit: page.first + 1 }),
      ctx.em.count(Event, { patient: patientId }),
    ]);
    return toConnection(rows, page.first, totalCount, (e) => [e.sequence]);
  },
};
