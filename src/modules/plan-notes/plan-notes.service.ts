import { access } from '../../auth/access';
import { activeMemberIds } from '../../auth/membership';
import { byIdLoader, childPagesLoader } from '../../core/batch';
import type { Context, LoaderFactory } from '../../core/context';
import { badInput, notFound } from '../../core/errors';
import { expectId } from '../../core/ids';
import { toConnection, toPage, type PageArgs } from '../../core/pagination';
import { withNote, writePatient } from '../../core/patient-write';
import { defineEventTypes } from '../../events/event-types';
import { CarePlan, carePlans } from '../care-plans';
import { providers } from '../providers';
import { CarePlanNote } from './plan-note.entity';
import type { AddCarePlanNoteInput } from './plan-note.types';

export const PlanNoteEvent = defineEventTypes({
  CARE_PLAN_NOTE_ADDED:
    "A team member wrote in a care plan's thread; `note` holds what they wrote, and the providers it mentions receive it on `myMentions`.",
});

export const planNoteLoaders = ((em, _viewer, all) => ({
  carePlanNoteById: byIdLoader(em, CarePlanNote),
  // A page's authors come in the same statement and seed the provider loader.
  notePagesByPlan: childPagesLoader<CarePlanNote>(em, CarePlanNote, 'care_plan_id', () =>
    providers.joined(em.getKnex(), 'care_plan_note.author_id', '__author', all),
  ),
})) satisfies LoaderFactory;

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof planNoteLoaders> {}
}

/** "A", "A and B", "A, B and C". */
function listOf(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export const planNotes = {
  /** A note, for `node(id:)` and `Event.carePlanNote`: seen by its patient's care team only (NOT_FOUND for anyone else). */
  async get(ctx: Context, id: string): Promise<CarePlanNote> {
    const note = await ctx.loaders.carePlanNoteById.load(expectId('CarePlanNote', id, 'id'));
    if (!note || !(await access.isMember(ctx, note.patient.id)))
      throw access.refuse(ctx, note?.patient.id ?? null, notFound('Care plan note', id));
    ctx.audit.read(note.patient.id);
    return note;
  },

  /** The plan's thread, oldest first (creation order, so live events continue it); batched across plans. */
  async ofPlan(ctx: Context, plan: CarePlan, args: PageArgs) {
    await access.assertCanSeePatient(ctx, plan.patient.id);
    const page = toPage(args, ['string']);
    const { rows, totalCount } = await ctx.loaders.notePagesByPlan.load({ parentId: plan.id, page });
    return toConnection(rows, page.first, totalCount, (note) => [note.id]);
  },

  /**
   * Any active team member writes in the thread of a plan of their patient,
   * open or closed. Mentions must name active members (checked under the
   * patient lock); one CARE_PLAN_NOTE_ADDED event carries the note whole
   * (`Event.note`) and a summary naming the author and whom they mention.
   */
  async add(ctx: Context, input: AddCarePlanNoteInput): Promise<CarePlanNote> {
    const plan = await carePlans.get(ctx, expectId('CarePlan', input.carePlanId, 'carePlanId'));
    const authorId = await access.assertMember(ctx, plan.patient.id);
    const mentions = new Map<string, string>(); // provider id → the input field that first named it
    (input.mentions ?? []).forEach((id, i) => {
      const field = `mentions.${i}`;
      if (!mentions.has(expectId('Provider', id, field))) mentions.set(id, field);
    });
    const body = input.body.trim();
    return writePatient(ctx, plan.patient.id, async (write) => {
      const members = await activeMemberIds(write.em, write.patientId);
      for (const [id, field] of mentions) {
        if (!members.has(id)) throw badInput(field, 'A mentioned provider must be an active member of the care team');
      }
      const current = await write.em.findOneOrFail(CarePlan, plan.id, { refresh: true });
      const note = write.em.create(CarePlanNote, {
        carePlan: current,
        patient: write.patientId,
        author: authorId,
        body,
        mentionIds: [...mentions.keys()],
      });
      const name = await providers.names(write.em, [authorId, ...mentions.keys()]);
      const mentioning = mentions.size ? `, mentioning ${listOf([...mentions.keys()].map(name))}` : '';
      write.event({
        type: PlanNoteEvent.CARE_PLAN_NOTE_ADDED,
        summary: withNote(`${name(authorId)} wrote on care plan "${current.title}"${mentioning}`, body),
        subjects: [current.id, note.id],
        note: body,
      });
      return note;
    });
  },
};
