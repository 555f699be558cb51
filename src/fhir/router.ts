import type { Bundle, Resource } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import type { Context, Contexts } from '../core/context';
import { describeError, type Logger } from '../core/logger';
import type { EventFeed } from '../events/feed';
import { TaskStatus } from '../modules/tasks';
import { capabilityStatement, SEARCHES } from './capability';
import { ourId } from './ids';
import { importTransaction } from './import';
import { inverse } from './input';
import { FhirError, fromServiceError, invalid, outcome } from './outcome';
import { carePlansOf, everything, READERS, tasksOwnedBy } from './read';
import { TASK_STATUS } from './task.mapping';

export const FHIR_JSON = 'application/fhir+json';
/** `_format` values meaning JSON (FHIR http, "Content Types and encodings"). */
const JSON_FORMATS = new Set(['json', 'application/json', FHIR_JSON]);
/** The largest transaction body. */
const MAX_BODY = '5mb';

export interface FhirDeps {
  contexts: Contexts;
  verifier: TokenVerifier;
  /** For authentication's lookup and the audit trail's reads (a fork each). */
  em: () => EntityManager;
  logger: Logger;
  feed?: EventFeed;
}

type Handler = (ctx: Context, req: Request) => Promise<{ status?: number; body: Resource }>;

/**
 * The FHIR R4 interface, mounted at `/fhir/R4` by the composition root: a
 * second interface over the modules' services, like GraphQL, with one
 * request context (bearer token, access rules, audit) per request. Every
 * answer is `application/fhir+json`; every refusal an OperationOutcome.
 */
export function fhirRouter(deps: FhirDeps): Router {
  const router = express.Router();
  const base = (req: Request) => `${req.protocol}://${req.get('host')}${req.baseUrl}`;

  /** Runs a handler for an authenticated caller; audits what it read (or was refused), answers or refuses in FHIR. */
  const serve =
    (name: string, handler: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      let ctx: Context | undefined;
      let answer: () => void;
      try {
        const viewer = await authenticate(req.header('authorization'), deps.verifier, deps.em());
        ctx = deps.contexts.create(viewer, String(req.id), deps.feed);
        ctx.audit.operation = `fhir ${name}`;
        res.locals.audit = ctx.audit; // the access log names the operation as the audit trail does
        const { status = 200, body } = await handler(ctx, req);
        answer = () => send(res, status, body);
      } catch (err) {
        answer = () => refuse(res, err, String(req.id));
      }
      // The reads (and refusals) are on the trail before the answer leaves, as for GraphQL.
      if (ctx) await ctx.audit.flushReads(deps.em());
      answer();
    };

  const refuse = (res: Response, err: unknown, requestId: string) => {
    const error = fromServiceError(err);
    if (!error) deps.logger.error({ ...describeError(err), requestId }, 'unexpected error');
    const shown = error ?? new FhirError(500, 'exception', 'Internal server error');
    if (shown.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    send(res, shown.status, outcome(shown));
  };

  // Content negotiation first: JSON only, whatever `_format` or Accept asks.
  router.use((req, res, next) => {
    const format = req.query._format;
    // An unencoded `+` in the query string arrives as a space: `_format=application/fhir+json` is meant.
    const wanted =
      typeof format === 'string'
        ? JSON_FORMATS.has(format.split(';')[0].trim().replace(/ /g, '+'))
        : !!req.accepts([FHIR_JSON, 'application/json']);
    if (!wanted) return send(res, 406, outcome(new FhirError(406, 'not-supported', 'This server answers in JSON only (_format=json)')));
    next();
  });

  router.get(
    '/metadata',
    serve('GET metadata', async (_ctx, req) => ({ body: capabilityStatement(Object.keys(READERS), base(req)) })),
  );

  router.get(
    '/Patient/:id/\\$everything',
    serve('GET Patient/{id}/$everything', async (ctx, req) => ({
      body: searchset(base(req), await everything(ctx, patientIdOf(String(req.params.id))), 'Patient'),
    })),
  );

  router.get(
    '/CarePlan',
    serve('GET CarePlan?patient', async (ctx, req) => {
      const patient = param(req, 'patient');
      if (!patient) throw invalid('patient', 'Search CarePlan by patient: CarePlan?patient={id}');
      return { body: searchset(base(req), await carePlansOf(ctx, patientIdOf(patient))) };
    }),
  );

  router.get(
    '/Task',
    serve('GET Task?owner&status', async (ctx, req) => {
      const owner = param(req, 'owner');
      if (!owner) throw invalid('owner', 'Search Task by owner: Task?owner={practitioner id}&status=…');
      const ownerId = ourId(owner.replace(/^Practitioner\//, ''), 'Provider');
      if (!ownerId) throw invalid('owner', 'owner is not a Practitioner of this server');
      const statusCodes = param(req, 'status');
      const fromFhir = inverse(TASK_STATUS);
      const statuses = statusCodes
        ? statusCodes.split(',').map((code) => {
            if (!Object.hasOwn(fromFhir, code))
              throw invalid('status', `status must be task-status codes: ${Object.values(TASK_STATUS).join(', ')}`);
            return fromFhir[code as keyof typeof fromFhir] as TaskStatus;
          })
        : null;
      return { body: searchset(base(req), await tasksOwnedBy(ctx, ownerId, statuses)) };
    }),
  );

  router.get(
    '/:type/:id',
    serve('GET {type}/{id}', async (ctx, req) => {
      const type = String(req.params.type);
      const reader = Object.hasOwn(READERS, type) ? READERS[type] : undefined;
      if (!reader) throw new FhirError(404, 'not-supported', `${type} is not a resource type this server serves (see metadata)`);
      ctx.audit.operation = `fhir GET ${type}/{id}`;
      return { body: await reader(ctx, String(req.params.id)) };
    }),
  );

  router.post(
    '/',
    (req, res, next) => {
      if (!req.is([FHIR_JSON, 'application/json'])) {
        return send(res, 415, outcome(new FhirError(415, 'not-supported', `Send the transaction Bundle as ${FHIR_JSON}`)));
      }
      next();
    },
    express.json({ type: [FHIR_JSON, 'application/json'], limit: MAX_BODY, inflate: false, strict: true }),
    serve('POST transaction', async (ctx, req) => ({ body: await importTransaction(ctx, req.body) })),
  );

  // Searches of other types, other methods, other paths.
  router.use((req, res) => {
    const type = req.path.split('/')[1] ?? '';
    const known = Object.hasOwn(READERS, type);
    const message =
      req.method === 'GET' && known && !SEARCHES[type]
        ? `${type} cannot be searched here (see metadata)`
        : `${req.method} ${req.path} is not supported by this server (see metadata)`;
    send(res, known ? 400 : 404, outcome(new FhirError(known ? 400 : 404, 'not-supported', message)));
  });

  const bodyErrors: ErrorRequestHandler = (err, req, res, next) => {
    const { type, status } = err as { type?: string; status?: number };
    if (type === 'entity.too.large')
      return send(res, 413, outcome(new FhirError(413, 'too-costly', `The body is larger than ${MAX_BODY}`)));
    if (type === 'encoding.unsupported') return send(res, 415, outcome(new FhirError(415, 'not-supported', 'Send the body uncompressed')));
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return send(res, 400, outcome(new FhirError(400, 'structure', 'The body is not valid JSON')));
    }
    refuse(res, err, String(req.id));
    void next;
  };
  router.use(bodyErrors);
  return router;
}

/** A refusal made before the router runs (a rate limit), as an OperationOutcome. */
export function fhirRefusal(code: string, message: string): Resource {
  return outcome(new FhirError(429, code === 'RATE_LIMITED' ? 'throttled' : 'exception', message));
}
fhirRefusal.contentType = `${FHIR_JSON}; charset=utf-8`;

function send(res: Response, status: number, body: Resource): void {
  res.status(status).setHeader('Content-Type', `${FHIR_JSON}; charset=utf-8`);
  res.send(JSON.stringify(body));
}

/** A search parameter given once (repeated or empty: absent). */
function param(req: Request, name: string): string | null {
  const value = req.query[name];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** Our patient id behind `{id}` or `Patient/{id}`; an id of none of ours is no patient (404, as a stranger's would be). */
function patientIdOf(value: string): string {
  const id = ourId(value.replace(/^Patient\//, ''), 'Patient');
  if (!id) throw new FhirError(404, 'not-found', 'Patient not found');
  return id;
}

/** A searchset Bundle of `resources`; with `matched`, only that type is a match and the rest are included with it. */
function searchset(base: string, resources: Resource[], matched?: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matched ? resources.filter((r) => r.resourceType === matched).length : resources.length,
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: !matched || resource.resourceType === matched ? 'match' : 'include' },
    })),
  };
}
