import { defineModule } from '../../core/module';
import { CarePlanNote } from './plan-note.entity';
import { CarePlanNoteResolver, CarePlanNotesResolver, EventCarePlanNoteResolver } from './plan-notes.resolver';
import { PlanNoteEvent, planNoteLoaders, planNotes } from './plan-notes.service';

/** A care plan's thread: notes the whole team reads, hand-overs, mentions that reach the mentioned on `myMentions`. */
export const planNotesModule = defineModule({
  name: 'plan-notes',
  entities: [CarePlanNote],
  resolvers: [CarePlanNoteResolver, CarePlanNotesResolver, EventCarePlanNoteResolver],
  loaders: planNoteLoaders,
  nodes: { CarePlanNote: planNotes.get },
  eventTypes: PlanNoteEvent,
});

export { CarePlanNote, CarePlanNoteId } from './plan-note.entity';
export { PlanNoteEvent, planNotes } from './plan-notes.service';
