/** The GraphQL documents the page sends, and the shapes of their answers (the fields asked for). */

export const OPEN_TASK_STATUSES = ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD'];

export interface Me {
  id: string;
  name: string;
  discipline: string;
}

interface Edges<T> {
  edges: { node: T }[];
}

/** Who the caller is and what needs attention across the panel. */
const ATTENTION_FIELDS = /* GraphQL */ `
  fragment Attention on Query {
    me {
      id
      name
      discipline
    }
    alerts: myAlerts(status: [OPEN, ACKNOWLEDGED], first: 100) {
      edges {
        node {
          id
          severity
          status
          summary
          instruction
          raisedAt
          version
          patient {
            id
          }
        }
      }
    }
    urgent: teamTasks(filter: { priority: [STAT, ASAP], status: [REQUESTED, ACCEPTED, IN_PROGRESS, ON_HOLD] }, first: 100) {
      edges {
        node {
          id
          patient {
            id
          }
        }
      }
    }
    overdue: teamTasks(filter: { overdue: true }, first: 100) {
      edges {
        node {
          id
          patient {
            id
          }
        }
      }
    }
  }
`;
const INDEX_FIELDS = /* GraphQL */ `
  fragment PatientIndex on PatientConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
      }
    }
  }
`;

/**
 * The page's first request: the position of the caller's event stream now
 * (asked first, in the request that loads the panel, as careEventsCursor's
 * documentation says: subscribing after it replays whatever changed since),
 * what needs attention, and the first page of the patient index.
 */
export const START = /* GraphQL */ `
  query DashboardStart($search: String) {
    careEventsCursor
    ...Attention
    patients(first: 100, search: $search) {
      ...PatientIndex
    }
  }
  ${ATTENTION_FIELDS}
  ${INDEX_FIELDS}
`;
export interface StartData extends AttentionData, PatientIndexData {
  careEventsCursor: string;
}

/** What needs attention, again (after a live event or a change made on the page). */
export const ATTENTION = /* GraphQL */ `
  query DashboardAttention {
    ...Attention
  }
  ${ATTENTION_FIELDS}
`;
export interface AttentionData {
  me: Me;
  /** Open and acknowledged alerts of the whole panel (one query, not one per patient card); open ones count for attention. */
  alerts: Edges<Alert & { patient: { id: string } }>;
  urgent: Edges<{ id: string; patient: { id: string } }>;
  overdue: Edges<{ id: string; patient: { id: string } }>;
}

/** One page of the caller's patients, by name (the panel's index; the page sorts it by attention). */
export const PATIENT_INDEX = /* GraphQL */ `
  query DashboardPatients($search: String, $after: String) {
    patients(first: 100, after: $after, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;
export interface PatientIndexData {
  patients: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; name: string } }[];
  };
}

const CARD = /* GraphQL */ `
  fragment Card on Patient {
    id
    name
    mrn
    birthDate
    careTeam(includeEnded: false) {
      id
      role
      provider {
        id
        name
      }
    }
    activeCarePlan {
      id
      title
      status
      version
      owner {
        id
        name
      }
      tasks(first: 20, status: [REQUESTED, ACCEPTED, IN_PROGRESS, ON_HOLD]) {
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            title
            kind
            priority
            status
            dueAt
            version
            assignee {
              id
              name
            }
          }
        }
      }
      warningSignRules(includeRemoved: false) {
        id
        measureCode
        comparison
        threshold
        severity
        description
      }
    }
  }
`;

/** One query for up to 25 patients (one alias per patient; the hub allows 30), each with `fragment` on Patient. */
function perPatient(name: string, spread: string, fragment: string, count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$p${i}: ID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `p${i}: patient(id: $p${i}) { ...${spread} }`).join('\n');
  return `query ${name}(${vars}) {\n${fields}\n}\n${fragment}`;
}

/** The cards of up to 25 patients in one request. */
export const cardsQuery = (count: number) => perPatient('DashboardCards', 'Card', CARD, count);

const LATEST_CHECK_IN = /* GraphQL */ `
  fragment LatestCheckIn on Patient {
    id
    checkIns(first: 1) {
      edges {
        node {
          id
          takenAt
          source
          observations {
            id
            value
            code
            unit
            measure {
              name
            }
          }
        }
      }
    }
  }
`;
/**
 * The latest check-in of up to 25 patients, read after their cards: the hub
 * reads check-ins patient by patient, so the panel shows first and the
 * check-ins follow.
 */
export const latestCheckInsQuery = (count: number) => perPatient('DashboardLatestCheckIns', 'LatestCheckIn', LATEST_CHECK_IN, count);
export interface LatestCheckInData {
  id: string;
  checkIns: Edges<CheckIn>;
}

export interface Task {
  id: string;
  title: string;
  kind: string;
  priority: 'ROUTINE' | 'URGENT' | 'ASAP' | 'STAT';
  status: string;
  dueAt: string | null;
  version: number;
  assignee: { id: string; name: string } | null;
}
export interface Alert {
  id: string;
  severity: string;
  status: string;
  summary: string;
  instruction: string;
  raisedAt: string;
  version: number;
}
export interface Rule {
  id: string;
  measureCode: string;
  comparison: string;
  threshold: number | null;
  severity: string;
  description: string;
}
export interface Card {
  id: string;
  name: string;
  mrn: string;
  birthDate: string;
  careTeam: { id: string; role: string; provider: { id: string; name: string } }[];
  activeCarePlan: {
    id: string;
    title: string;
    status: string;
    version: number;
    owner: { id: string; name: string };
    tasks: { pageInfo: { hasNextPage: boolean }; edges: { node: Task }[] };
    warningSignRules: Rule[];
  } | null;
}

/** The measures charted on a patient's card, by code: weight, PHQ-9, pain. */
export const CHARTED = [
  { code: '29463-7', label: 'Weight' },
  { code: '44261-6', label: 'PHQ-9' },
  { code: '72514-3', label: 'Pain' },
];

export const DETAILS = /* GraphQL */ `
  query DashboardDetails($id: ID!) {
    patient(id: $id) {
      id
      checkIns(first: 3) {
        edges {
          node {
            id
            takenAt
            source
            observations {
              id
              value
              code
              unit
              measure {
                name
              }
            }
          }
        }
      }
      weight: trend(measure: "29463-7", days: 30) {
        ...Trend
      }
      phq9: trend(measure: "44261-6", days: 90) {
        ...Trend
      }
      pain: trend(measure: "72514-3", days: 30) {
        ...Trend
      }
    }
    timeline: patientEvents(patientId: $id, last: 15) {
      edges {
        node {
          id
          sequence
          type
          at
          summary
        }
      }
    }
  }
  fragment Trend on MeasureTrend {
    days
    measure {
      code
      name
      unit
    }
    points {
      takenAt
      value
    }
  }
`;
export interface Trend {
  days: number;
  measure: { code: string; name: string; unit: string };
  points: { takenAt: string; value: number }[];
}
export interface TimelineEvent {
  id: string;
  sequence: number;
  type: string;
  at: string;
  summary: string;
}
export interface CheckIn {
  id: string;
  takenAt: string;
  source: string;
  observations: { id: string; value: number | null; code: string | null; unit: string; measure: { name: string } }[];
}
export interface DetailsData {
  patient: { id: string; checkIns: Edges<CheckIn>; weight: Trend; phq9: Trend; pain: Trend } | null;
  timeline: { edges: { node: TimelineEvent }[] };
}

/** The one live subscription: every event of every patient on the caller's panel, after a cursor. */
export const CARE_EVENTS = /* GraphQL */ `
  subscription DashboardCareEvents($afterCursor: String) {
    careEvents(afterCursor: $afterCursor) {
      cursor
      event {
        id
        sequence
        type
        at
        summary
        patient {
          id
          name
        }
        task {
          id
        }
      }
    }
  }
`;
export interface LiveEvent {
  id: string;
  sequence: number;
  type: string;
  at: string;
  summary: string;
  patient: { id: string; name: string };
  task: { id: string } | null;
}

export const TRANSITION_TASK = /* GraphQL */ `
  mutation DashboardTransitionTask($input: TransitionTaskInput!) {
    transitionTask(input: $input) {
      id
      status
      version
    }
  }
`;
export const ADD_TASK_NOTE = /* GraphQL */ `
  mutation DashboardAddTaskNote($input: AddTaskNoteInput!) {
    addTaskNote(input: $input) {
      id
    }
  }
`;
export const ACKNOWLEDGE_ALERT = /* GraphQL */ `
  mutation DashboardAcknowledgeAlert($input: AcknowledgeAlertInput!) {
    acknowledgeAlert(input: $input) {
      id
      status
      version
    }
  }
`;
export const HAND_OVER = /* GraphQL */ `
  mutation DashboardHandOver($input: TransferCarePlanOwnershipInput!) {
    transferCarePlanOwnership(input: $input) {
      id
      version
      owner {
        id
      }
    }
  }
`;
