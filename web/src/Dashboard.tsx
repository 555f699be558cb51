import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, explain, gql, gqlPartial, type Session } from './api';
import { formatTime, timeZone, words } from './format';
import { startLiveFeed, type LiveState } from './live';
import {
  ATTENTION,
  PATIENT_INDEX,
  START,
  cardsQuery,
  latestCheckInsQuery,
  type CheckIn,
  type LatestCheckInData,
  type Alert,
  type AttentionData,
  type Card,
  type LiveEvent,
  type Me,
  type PatientIndexData,
  type StartData,
} from './operations';
import { PatientCard } from './PatientCard';

const PAGE_SIZE = 25;
/** The index is read 100 at a time; a panel larger than this is narrowed with the search box. */
const MAX_INDEX_PAGES = 10;
const HIGHLIGHT_MS = 4000;

interface Attention {
  badges: string[];
  score: number;
}

function attentionOf(data: AttentionData): Map<string, Attention> {
  const counts = new Map<string, { alerts: number; urgent: number; overdue: number }>();
  const count = (edges: { node: { patient: { id: string } } }[], key: 'alerts' | 'urgent' | 'overdue') => {
    for (const { node } of edges) {
      const c = counts.get(node.patient.id) ?? { alerts: 0, urgent: 0, overdue: 0 };
      c[key] += 1;
      counts.set(node.patient.id, c);
    }
  };
  count(
    data.alerts.edges.filter((e) => e.node.status === 'OPEN'),
    'alerts',
  );
  count(data.urgent.edges, 'urgent');
  count(data.overdue.edges, 'overdue');
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return new Map(
    [...counts].map(([id, c]) => [
      id,
      {
        // Open alerts first, then STAT/ASAP tasks, then overdue ones.
        score: c.alerts * 10_000 + c.urgent * 100 + c.overdue,
        badges: [
          c.alerts && plural(c.alerts, 'open alert', 'open alerts'),
          c.urgent && plural(c.urgent, 'STAT/ASAP task', 'STAT/ASAP tasks'),
          c.overdue && plural(c.overdue, 'overdue task', 'overdue tasks'),
        ].filter((b): b is string => Boolean(b)),
      },
    ]),
  );
}

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  'signed-out': 'signed out',
};

/**
 * The signed-in clinician's panel: patients needing attention first, each
 * with the active plan, its owner, open tasks, open alerts and the latest
 * check-in; kept current by the one live subscription, whose events are
 * listed on the side and highlight the patient they concern.
 */
export function Dashboard({ session, onSignOut, onExpired }: { session: Session; onSignOut(): void; onExpired(reason: string): void }) {
  const { token } = session;
  const [me, setMe] = useState<Me | null>(null);
  const [attention, setAttention] = useState<Map<string, Attention>>(new Map());
  const [alerts, setAlerts] = useState<Map<string, Alert[]>>(new Map());
  const [index, setIndex] = useState<{ id: string; name: string }[] | null>(null);
  const [total, setTotal] = useState(0);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const [cards, setCards] = useState<Record<string, Card | null>>({});
  const [latest, setLatest] = useState<Record<string, CheckIn | null>>({});
  const [highlighted, setHighlighted] = useState<Set<string>>(new Set());
  const [activity, setActivity] = useState<LiveEvent[]>([]);
  const [live, setLive] = useState<LiveState>('connecting');
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const indexRef = useRef(index);
  indexRef.current = index;
  const searchRef = useRef(search);
  searchRef.current = search;

  const loadIndex = useCallback(
    async (term: string, first?: PatientIndexData) => {
      const all: { id: string; name: string }[] = [];
      let after: string | null = null;
      let count = 0;
      for (let i = 0; i < MAX_INDEX_PAGES; i++) {
        const { patients }: PatientIndexData =
          i === 0 && first ? first : await gql<PatientIndexData>(token, PATIENT_INDEX, { search: term || null, after });
        all.push(...patients.edges.map((e) => e.node));
        count = patients.totalCount;
        if (!patients.pageInfo.hasNextPage) break;
        after = patients.pageInfo.endCursor;
      }
      if (term === searchRef.current) {
        setIndex(all);
        setTotal(count);
      }
    },
    [token],
  );
  const loadAttention = useCallback(
    async (known?: AttentionData) => {
      const data = known ?? (await gql<AttentionData>(token, ATTENTION));
      setMe(data.me);
      setAttention(attentionOf(data));
      const byPatient = new Map<string, Alert[]>();
      for (const { node } of data.alerts.edges) byPatient.set(node.patient.id, [...(byPatient.get(node.patient.id) ?? []), node]);
      setAlerts(byPatient);
    },
    [token],
  );
  /** Reads patients' cards; resolves to those no longer visible to the caller (NOT_FOUND: off the panel now). */
  const loadCards = useCallback(
    async (ids: string[]) => {
      const gone: string[] = [];
      for (let i = 0; i < ids.length; i += PAGE_SIZE) {
        const chunk = ids.slice(i, i + PAGE_SIZE);
        const variables = Object.fromEntries(chunk.map((id, n) => [`p${n}`, id]));
        const { data, errors } = await gqlPartial<Record<string, Card | null>>(token, cardsQuery(chunk.length), variables);
        const other = errors.find((e) => e.extensions?.code !== 'NOT_FOUND');
        if (other) throw new ApiError(other.message, other.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        chunk.forEach((id, n) => data[`p${n}`] ?? gone.push(id));
        setCards((prev) => ({ ...prev, ...Object.fromEntries(chunk.map((id, n) => [id, data[`p${n}`] ?? null])) }));
        const shown = chunk.filter((id) => !gone.includes(id));
        // The latest check-ins follow the cards (not awaited: the panel shows without them).
        if (shown.length > 0) {
          gqlPartial<Record<string, LatestCheckInData | null>>(
            token,
            latestCheckInsQuery(shown.length),
            Object.fromEntries(shown.map((id, n) => [`p${n}`, id])),
          ).then(
            ({ data: checkIns }) =>
              setLatest((prev) => ({
                ...prev,
                ...Object.fromEntries(shown.map((id, n) => [id, checkIns[`p${n}`]?.checkIns.edges[0]?.node ?? null])),
              })),
            () => {},
          );
        }
      }
      return gone;
    },
    [token],
  );

  // Refreshes after live events, batched: the patients concerned, the attention order, the index when a patient is new.
  const pending = useRef<{ ids: Set<string>; timer: ReturnType<typeof setTimeout> | null }>({ ids: new Set(), timer: null });
  const cardsRef = useRef(cards);
  cardsRef.current = cards;
  const refresh = useCallback(
    (patientId: string) => {
      pending.current.ids.add(patientId);
      if (pending.current.timer) return;
      pending.current.timer = setTimeout(async () => {
        const ids = [...pending.current.ids];
        pending.current = { ids: new Set(), timer: null };
        try {
          const known = new Set(indexRef.current?.map((p) => p.id));
          const [, , gone] = await Promise.all([
            loadAttention(),
            ids.some((id) => !known.has(id)) ? loadIndex(searchRef.current) : null,
            loadCards(ids.filter((id) => id in cardsRef.current)),
          ]);
          // A patient whose care team the clinician left: off the index too.
          if (gone.length > 0) await loadIndex(searchRef.current);
        } catch (err) {
          setNotice({ text: explain(err), error: true });
        }
      }, 100);
    },
    [loadAttention, loadCards, loadIndex],
  );

  // Start: one request with the stream's position (asked first), what needs attention and the index; then the
  // subscription from that position. A change committed while that request ran may come as an event too: refreshing
  // a card twice is harmless, and events are listed once (by id).
  useEffect(() => {
    let feed: { stop(): void } | null = null;
    let cancelled = false;
    const seen = new Set<string>();
    (async () => {
      try {
        const start = await gql<StartData>(token, START, { search: searchRef.current || null });
        await Promise.all([loadAttention(start), loadIndex(searchRef.current, start)]);
        const { careEventsCursor } = start;
        if (cancelled) return;
        feed = startLiveFeed(token, careEventsCursor, {
          onEvent: (event) => {
            if (seen.has(event.id)) return;
            seen.add(event.id);
            setActivity((prev) => [event, ...prev].slice(0, 100));
            setHighlighted((prev) => new Set(prev).add(event.patient.id));
            setTimeout(
              () =>
                setHighlighted((prev) => {
                  const next = new Set(prev);
                  next.delete(event.patient.id);
                  return next;
                }),
              HIGHLIGHT_MS,
            );
            refresh(event.patient.id);
          },
          onState: (state) => {
            setLive(state);
            if (state === 'signed-out') onExpired('Your session has ended (the token expired or was refused): sign in again.');
          },
          onError: (message) => setNotice({ text: `Live updates stopped: ${message}. Reload the page.`, error: true }),
        });
      } catch (err) {
        if (!cancelled) setFailure(explain(err));
      }
    })();
    return () => {
      cancelled = true;
      feed?.stop();
    };
  }, [token]);

  // Search (debounced): the index again, from the first page.
  const firstSearch = useRef(true);
  useEffect(() => {
    if (firstSearch.current) {
      firstSearch.current = false;
      return;
    }
    const timer = setTimeout(() => {
      setPage(0);
      loadIndex(search).catch((err) => setNotice({ text: explain(err), error: true }));
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const sorted = useMemo(() => {
    if (!index) return [];
    const score = (id: string) => attention.get(id)?.score ?? 0;
    return [...index].sort((a, b) => score(b.id) - score(a.id) || a.name.localeCompare(b.name));
  }, [index, attention]);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const visible = sorted.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const missing = visible.filter((p) => !(p.id in cards)).map((p) => p.id);
  // Cards being read: a re-sort while they load must not read them again.
  const loading = useRef(new Set<string>());
  useEffect(() => {
    const ids = missing.filter((id) => !loading.current.has(id));
    if (ids.length === 0) return;
    ids.forEach((id) => loading.current.add(id));
    loadCards(ids)
      .catch((err) => setNotice({ text: explain(err), error: true }))
      .finally(() => ids.forEach((id) => loading.current.delete(id)));
  }, [[...missing].sort().join(',')]);
  const ready = index !== null && me !== null && missing.length === 0;

  const act = useCallback(
    async (patientId: string, { subject, done: said }: { subject: string; done: string }, change: () => Promise<unknown>) => {
      let done = false;
      try {
        await change();
        setNotice({ text: `${said}.`, error: false });
        done = true;
      } catch (err) {
        setNotice({
          text:
            err instanceof ApiError && err.code === 'CONFLICT'
              ? `${subject} was changed by someone else — reloaded. Check it and try again.`
              : explain(err),
          error: true,
        });
      }
      try {
        const [gone] = await Promise.all([loadCards([patientId]), loadAttention()]);
        if (gone.length > 0) await loadIndex(searchRef.current);
      } catch (err) {
        setNotice({ text: explain(err), error: true });
      }
      return done;
    },
    [loadCards, loadAttention, loadIndex],
  );

  if (failure) {
    return (
      <main class="sign-in">
        <p role="alert" class="notice error">
          The panel could not be loaded: {failure}
        </p>
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </main>
    );
  }

  return (
    <>
      <header class="top">
        <h1>Care-team dashboard</h1>
        <span class="who">{me ? `${me.name} · ${words(me.discipline)}` : ''}</span>
        <span class="muted">Times in {timeZone}</span>
        <span role="status" class={`live-state ${live}`} data-live={live}>
          {LIVE_LABEL[live]}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div class="layout">
        <main class="panel" aria-busy={!ready} data-panel-ready={ready ? 'true' : undefined}>
          <div class="toolbar">
            <label>
              Search patients
              <input type="search" value={search} placeholder="Name or MRN" onInput={(e) => setSearch(e.currentTarget.value)} />
            </label>
            <span class="muted" aria-live="polite">
              {index === null ? 'Loading patients…' : `${total} patient${total === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}`}
            </span>
          </div>
          <div aria-live="polite" class="notice-slot">
            {notice && (
              <p class={`notice${notice.error ? ' error' : ''}`} role={notice.error ? 'alert' : undefined}>
                {notice.text}{' '}
                <button type="button" class="link" onClick={() => setNotice(null)}>
                  Dismiss
                </button>
              </p>
            )}
          </div>
          <h2 class="sr-only">Patients, those needing attention first</h2>
          <div class="cards">
            {visible.map((p) => {
              const card = cards[p.id];
              return card && me ? (
                <PatientCard
                  key={p.id}
                  card={card}
                  me={me}
                  token={token}
                  highlighted={highlighted.has(p.id)}
                  attention={attention.get(p.id)?.badges ?? []}
                  alerts={alerts.get(p.id) ?? []}
                  latest={latest[p.id]}
                  act={act}
                />
              ) : (
                <article key={p.id} class="card loading" aria-busy="true">
                  <h3>{p.name}</h3>
                  <p class="muted">{card === null ? 'No longer on your panel.' : 'Loading…'}</p>
                </article>
              );
            })}
            {index !== null && sorted.length === 0 && (
              <p class="muted">{search ? 'No patient matches the search.' : 'No patients on your panel yet.'}</p>
            )}
          </div>
          {pages > 1 && (
            <nav class="pager" aria-label="Pages of patients">
              <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {page + 1} of {pages}
              </span>
              <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          )}
        </main>
        <aside class="activity" aria-labelledby="activity-heading">
          <h2 id="activity-heading">Live activity</h2>
          {activity.length === 0 ? (
            <p class="muted">Changes made by anyone on your patients' care teams appear here as they happen.</p>
          ) : (
            <ol class="events" aria-live="polite" aria-relevant="additions">
              {activity.map((e) => (
                <li key={e.id} data-event={e.id} data-type={e.type}>
                  <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{e.patient.name}</strong>: {e.summary}
                </li>
              ))}
            </ol>
          )}
        </aside>
      </div>
    </>
  );
}
