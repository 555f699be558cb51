import { useState } from 'preact/hooks';
import { gql } from './api';
import { TrendChart } from './Chart';
import { age, formatDateTime, isOverdue, words } from './format';
import {
  ACKNOWLEDGE_ALERT,
  ADD_TASK_NOTE,
  DETAILS,
  HAND_OVER,
  TRANSITION_TASK,
  type Alert,
  type Card,
  type CheckIn,
  type DetailsData,
  type Me,
  type Task,
} from './operations';

/**
 * Runs a change for the card: the panel says `done` (or what went wrong: a CONFLICT as "`subject` was changed by
 * someone else — reloaded") and reloads the patient.
 */
export type Act = (patientId: string, message: { subject: string; done: string }, change: () => Promise<unknown>) => Promise<boolean>;

/** The next step of a task assigned to me, as the button says it (the FHIR lifecycle, docs/contract.md). */
const NEXT_STEP: Record<string, { to: string; label: string }> = {
  REQUESTED: { to: 'ACCEPTED', label: 'Accept' },
  ACCEPTED: { to: 'IN_PROGRESS', label: 'Start' },
  IN_PROGRESS: { to: 'COMPLETED', label: 'Complete' },
};

export function PatientCard({
  card,
  me,
  token,
  highlighted,
  attention,
  alerts,
  latest,
  act,
}: {
  card: Card;
  me: Me;
  token: string;
  highlighted: boolean;
  attention: string[];
  alerts: Alert[];
  /** The latest check-in; undefined while it is being read, null when there is none. */
  latest: CheckIn | null | undefined;
  act: Act;
}) {
  const plan = card.activeCarePlan;
  const tasks = plan?.tasks.edges.map((e) => e.node) ?? [];
  const headingId = `patient-${card.id}`;
  return (
    <article
      class={`card${highlighted ? ' highlight' : ''}${attention.length ? ' needs-attention' : ''}`}
      aria-labelledby={headingId}
      data-patient={card.id}
    >
      <header class="card-head">
        <h3 id={headingId}>{card.name}</h3>
        <span class="muted">
          {age(card.birthDate)} y · MRN {card.mrn}
        </span>
        {attention.length > 0 && (
          <ul class="badges" aria-label="Needs attention">
            {attention.map((a) => (
              <li key={a} class="badge warn">
                {a}
              </li>
            ))}
          </ul>
        )}
      </header>

      {alerts.length > 0 && (
        <section aria-label={`Alerts for ${card.name}`}>
          <ul class="alerts">
            {alerts.map((alert) => (
              <li key={alert.id} class={`alert ${alert.severity.toLowerCase()}`}>
                <strong>
                  {words(alert.severity)} · {words(alert.status)}
                </strong>{' '}
                {alert.summary}
                <div class="muted">
                  {alert.instruction} — raised {formatDateTime(alert.raisedAt)}
                </div>
                {alert.status === 'OPEN' && (
                  <button
                    type="button"
                    onClick={() =>
                      act(card.id, { subject: 'The alert', done: 'Alert acknowledged' }, () =>
                        gql(token, ACKNOWLEDGE_ALERT, { input: { id: alert.id, expectedVersion: alert.version } }),
                      )
                    }
                  >
                    Acknowledge alert
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {plan ? (
        <section aria-label={`Care plan of ${card.name}`}>
          <p class="plan">
            <span class="plan-title">{plan.title}</span>{' '}
            <span class="muted">· owner {plan.owner.id === me.id ? 'you' : plan.owner.name}</span>
          </p>
          {plan.owner.id === me.id && <HandOver card={card} token={token} act={act} />}
          {tasks.length === 0 ? (
            <p class="muted">No open tasks.</p>
          ) : (
            <table class="tasks">
              <caption class="sr-only">Open tasks of {card.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Due</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tasks.map((task) => (
                  <TaskRow key={task.id} task={task} patientId={card.id} me={me} token={token} act={act} />
                ))}
              </tbody>
            </table>
          )}
          {plan.tasks.pageInfo.hasNextPage && (
            <p class="muted">Only the first 20 open tasks are shown (the teamTasks worklist has them all).</p>
          )}
        </section>
      ) : (
        <p class="muted">No active care plan.</p>
      )}

      {latest && <CheckInLine checkIn={latest} label="Latest check-in" />}
      <Details card={card} token={token} />
    </article>
  );
}

function TaskRow({ task, patientId, me, token, act }: { task: Task; patientId: string; me: Me; token: string; act: Act }) {
  const [noting, setNoting] = useState(false);
  const [note, setNote] = useState('');
  const next = task.assignee?.id === me.id ? NEXT_STEP[task.status] : undefined;
  const overdue = isOverdue(task.dueAt);
  const noteId = `note-${task.id}`;
  return (
    <>
      <tr data-task={task.id}>
        <td>{task.title}</td>
        <td>
          <span class={`priority ${task.priority.toLowerCase()}`}>{words(task.priority)}</span>
        </td>
        <td class={overdue ? 'overdue' : ''}>{task.dueAt ? `${formatDateTime(task.dueAt)}${overdue ? ' (overdue)' : ''}` : '—'}</td>
        <td>{task.assignee ? (task.assignee.id === me.id ? 'you' : task.assignee.name) : 'unassigned'}</td>
        <td class="status">{words(task.status)}</td>
        <td class="actions">
          {next && (
            <button
              type="button"
              aria-label={`${next.label} task “${task.title}”`}
              onClick={() =>
                act(patientId, { subject: `“${task.title}”`, done: `“${task.title}”: ${words(next.to)}` }, () =>
                  gql(token, TRANSITION_TASK, { input: { id: task.id, expectedVersion: task.version, to: next.to } }),
                )
              }
            >
              {next.label}
            </button>
          )}
          <button
            type="button"
            aria-expanded={noting}
            aria-controls={noteId}
            aria-label={`Add a note to “${task.title}”`}
            onClick={() => setNoting(!noting)}
          >
            Note
          </button>
        </td>
      </tr>
      {noting && (
        <tr id={noteId}>
          <td colSpan={6}>
            <form
              class="inline-form"
              onSubmit={async (e) => {
                e.preventDefault();
                if (!note.trim()) return;
                const done = await act(patientId, { subject: `“${task.title}”`, done: `Note added to “${task.title}”` }, () =>
                  gql(token, ADD_TASK_NOTE, { input: { taskId: task.id, text: note } }),
                );
                if (done) {
                  setNote('');
                  setNoting(false);
                }
              }}
            >
              <label>
                Note on “{task.title}”
                <textarea rows={2} value={note} maxLength={4000} required onInput={(e) => setNote(e.currentTarget.value)} />
              </label>
              <button type="submit">Save note</button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

function HandOver({ card, token, act }: { card: Card; token: string; act: Act }) {
  const plan = card.activeCarePlan!;
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const others = card.careTeam.filter((m) => m.provider.id !== plan.owner.id);
  if (!open) {
    return (
      <button type="button" class="link" onClick={() => setOpen(true)} disabled={others.length === 0}>
        Hand over this plan…
      </button>
    );
  }
  return (
    <form
      class="inline-form"
      aria-label={`Hand over “${plan.title}”`}
      onSubmit={async (e) => {
        e.preventDefault();
        const done = await act(card.id, { subject: `“${plan.title}”`, done: `“${plan.title}” handed over` }, () =>
          gql(token, HAND_OVER, { input: { id: plan.id, expectedVersion: plan.version, newOwnerId: to, note: note.trim() || undefined } }),
        );
        if (done) setOpen(false);
      }}
    >
      <label>
        New owner
        <select required value={to} onChange={(e) => setTo(e.currentTarget.value)}>
          <option value="">Choose a team member</option>
          {others.map((m) => (
            <option key={m.id} value={m.provider.id}>
              {m.provider.name} ({m.role})
            </option>
          ))}
        </select>
      </label>
      <label>
        Hand-over note
        <textarea rows={2} value={note} maxLength={4000} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit">Hand over</button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

/** Trend charts and the latest events of the patient, loaded when opened. */
function Details({ card, token }: { card: Card; token: string }) {
  const [data, setData] = useState<DetailsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rules = card.activeCarePlan?.warningSignRules ?? [];
  return (
    <details
      class="details"
      onToggle={async (e) => {
        if (!(e.currentTarget as HTMLDetailsElement).open) return;
        try {
          setData(await gql<DetailsData>(token, DETAILS, { id: card.id }));
          setError(null);
        } catch (err) {
          setError(err instanceof Error ? `Could not load the trends: ${err.message}. Close and open again to retry.` : String(err));
        }
      }}
    >
      <summary>Check-ins, trends and timeline</summary>
      {error && <p role="alert">{error}</p>}
      {data?.patient?.checkIns.edges.map(({ node }) => (
        <CheckInLine key={node.id} checkIn={node} label="Check-in" />
      ))}
      {data?.patient && (
        <div class="charts">
          {[data.patient.weight, data.patient.phq9, data.patient.pain]
            .filter((t) => t.points.length > 0)
            .map((t) => (
              <TrendChart key={t.measure.code} trend={t} rules={rules} />
            ))}
          {[data.patient.weight, data.patient.phq9, data.patient.pain].every((t) => t.points.length === 0) && (
            <p class="muted">No weight, PHQ-9 or pain check-ins yet.</p>
          )}
        </div>
      )}
      {data && (
        <ol class="timeline" aria-label={`Latest events of ${card.name}`}>
          {[...data.timeline.edges].reverse().map(({ node }) => (
            <li key={node.id}>
              <time dateTime={node.at}>{formatDateTime(node.at)}</time> {node.summary}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

function CheckInLine({ checkIn, label }: { checkIn: CheckIn; label: string }) {
  const values = checkIn.observations.map(
    (o) => `${o.measure.name} ${o.value ?? words(o.code ?? '')}${o.value !== null && o.unit !== '1' ? ` ${o.unit}` : ''}`,
  );
  return (
    <p class="checkin">
      {label} <time dateTime={checkIn.takenAt}>{formatDateTime(checkIn.takenAt)}</time> ({words(checkIn.source)}): {values.join(', ')}
    </p>
  );
}
