import { access } from '../auth/access';
import type { Context } from '../core/context';
import { expectId } from '../core/ids';
import { Connection, keysetPage, toBackwardPage, type BackwardPageArgs } from '../core/pagination';
import { Event } from './event.entity';

export const EventConnection = Connection(Event, 'Event');

export const events = {
  /** A patient's events in sequence order; `after` continues from a cursor, `last` (with `before`) reads back from the newest. */
  async ofPatient(ctx: Context, patientId: string, args: BackwardPageArgs) {
    expectId('Patient', patientId, 'patientId');
    await access.assertCanSeePatient(ctx, patientId);
    return keysetPage(ctx.em, Event, { patient: patientId }, toBackwardPage(args, ['int']), 'sequence');
  },

  /** One event, for `node(id:)`: visible to its patient's care team. */
  async get(ctx: Context, id: string): Promise<Event | null> {
    const event = await ctx.em.findOne(Event, expectId('Event', id, 'id'));
    if (!event) return null;
    await access.assertCanSeePatient(ctx, event.patient.id);
    return event;
  },
};
