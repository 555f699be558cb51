import { access } from '../auth/access';
import type { Context } from '../graphql/context';
import { expectId } from '../graphql/ids';
import { toConnection, toPage, type PageArgs } from '../graphql/pagination';
import { Connection } from '../graphql/pagination';
import { Event } from './event.entity';

export const EventConnection = Connection(Event, 'Event');

export const events = {
  /** A patient's events in sequence order; `after` continues from a cursor. */
  async ofPatient(ctx: Context, patientId: string, args: PageArgs) {
    expectId('Patient', patientId, 'patientId');
    await access.assertCanSeePatient(ctx, patientId);
    const page = toPage(args, ['int']);
    const after = page.after ? (page.after[0] as number) : 0;
    const [rows, totalCount] = await Promise.all([
      ctx.em.find(Event, { patient: patientId, sequence: { $gt: after } }, { orderBy: { sequence: 'asc' }, limit: page.first + 1 }),
      ctx.em.count(Event, { patient: patientId }),
    ]);
    return toConnection(rows, page.first, totalCount, (e) => [e.sequence]);
  },
};
