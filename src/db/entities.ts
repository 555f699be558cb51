import { Event } from '../events/event.entity';
import { AuditRecord } from '../modules/audit/audit-record.entity';
import { CarePlan } from '../modules/care-plans/care-plan.entity';
import { CareTeamMember } from '../modules/care-team/care-team-member.entity';
import { Goal } from '../modules/goals/goal.entity';
import { Organization } from '../modules/organizations/organization.entity';
import { Allergy, Condition, Medication, SupportContact } from '../modules/patients/patient.embeddables';
import { Patient } from '../modules/patients/patient.entity';
import { Provider } from '../modules/providers/provider.entity';
import { Task, TaskNote } from '../modules/tasks/task.entity';

/** Every entity and embeddable, listed explicitly so discovery needs no folder scan. */
export const ENTITIES = [
  Organization, Provider, Patient, Allergy, Condition, Medication, SupportContact,
  CareTeamMember, CarePlan, Goal, Task, TaskNote, Event, AuditRecord,
];
