import crypto from 'node:crypto';
import compression from 'compression';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { Metrics } from './metrics';
import { rawJsonProblem } from './text-input';

/** An HTTP error body in GraphQL's shape, so every client parses one format. */
export function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * The express app around the GraphQL endpoint: security headers, CORS, rate
 * limits, compression, the access log, JSON errors for bodies express itself
 * refuses, and `Cache-Control: no-store` on everything GraphQL answers (it
 * carries patient data). Routes are mounted by the server.
 */
export function createHttpApp({ config, logger, metrics }: { config: Config; logger: Logger; metrics: Metrics }) {
  const app = express();
  app.disable('x-powered-by');
  // Behind a proxy, the client's address comes from X-Forwarded-For; trust only as many hops as configured.
  app.set('trust proxy', config.http.trustProxy);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = req.headers['x-request-id'];
        const requestId = typeof id === 'string' && /^[\w.:-]{1,100}$/.test(id) ? id : crypto.randomUUID();
        res.setHeader('x-request-id', requestId);
        return requestId;
      },
      // One line per request with what an operator needs, never a body, variables, query string or token.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // The operation as the audit trail names it (type, client's name, root fields), once GraphQL resolved it.
      customProps: (_req, res) => ({ operation: (res as express.Response).locals?.audit?.operation }),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/livez' || req.url === '/readyz' || req.url === '/metrics' },
    }),
  );

  app.use(
    helmet({
      // Nothing may be framed or loaded from elsewhere (the dashboard page is all 'self'), except that the page
      // talks to the OpenID Connect provider when one is configured. Development keeps Apollo's landing page usable.
      contentSecurityPolicy: config.isDevelopment
        ? false
        : { directives: { connectSrc: ["'self'", ...(config.oidc ? [new URL(config.oidc.issuer).origin] : [])] } },
    }),
  );
  app.use(compression({ threshold: 1024 }));
  app.use(metrics.httpMiddleware);
  return app;
}

/** The largest GraphQL request body. */
export const MAX_BODY = '1mb';

/**
 * Reads a GraphQL request's JSON body (at most MAX_BODY), refusing before
 * JSON.parse a body that is not UTF-8 (it would be stored with U+FFFD in
 * place of what was meant), nested too deep or holding too many values (see
 * rawJsonProblem). Compressed request bodies are refused (415): a request is
 * small, and inflating a decompression bomb up to the limit costs the event
 * loop dozens of turns (answers are still compressed). Mounted after CORS
 * and the rate limits (src/app/server.ts): a refused client costs no read.
 */
export const graphqlBody: RequestHandler = express.json({
  limit: MAX_BODY,
  inflate: false,
  verify: (_req, _res, bytes, encoding) => {
    // Only UTF-8 is checked as such; body-parser decodes the other utf-* charsets itself.
    const problem = /^utf-?8$/i.test(encoding) ? rawJsonProblem(bytes) : undefined;
    if (problem) throw Object.assign(new Error(`The request body ${problem}`), { refusal: true });
  },
});

/** CORS for `/graphql`: only the configured origins (none by default: same origin only). */
export function graphqlCors(config: Config): RequestHandler {
  const allowed = new Set(config.http.corsOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
}

/**
 * How an interface words a refusal made before it runs: GraphQL's error
 * shape, or FHIR's OperationOutcome, sent as `contentType` (JSON when unset).
 */
export interface RefusalBody {
  (code: string, message: string): object;
  contentType?: string;
}

function sendRefusal(res: express.Response, status: number, body: RefusalBody, message: string): void {
  res
    .status(status)
    .type(body.contentType ?? 'application/json')
    .send(JSON.stringify(body('RATE_LIMITED', message)));
}

/**
 * Rate limits for `/graphql` (and `/fhir/R4`, with its own `body`), per client: requests by bearer token (or by
 * address without one), and failed authentications by address, so guessing
 * tokens is slow. Past a limit: 429 with `Retry-After`. 0 turns a limit off.
 */
export function graphqlRateLimits(config: Config, body: RefusalBody = errorBody): RequestHandler[] {
  const { windowMs, requests, authFailures } = config.rateLimit;
  const refused: RateLimitOptions['handler'] = (_req, res, _next, options) => {
    sendRefusal(res, options.statusCode, body, 'Too many requests; retry after the time in Retry-After');
  };
  const clientKey = (req: express.Request) => {
    const authorization = req.header('authorization');
    // A digest, not the token: the limiter's memory never holds a credential.
    return authorization
      ? `token:${crypto.createHash('sha256').update(authorization).digest('base64url')}`
      : `ip:${ipKeyGenerator(req.ip ?? '')}`;
  };
  const limiters: RequestHandler[] = [];
  if (authFailures > 0) limiters.push(failedAuthenticationLimit(windowMs, authFailures, body));
  if (requests > 0) {
    limiters.push(
      rateLimit({
        windowMs,
        limit: requests,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        keyGenerator: clientKey,
        handler: refused,
      }),
    );
  }
  return limiters;
}

/**
 * Refuses an address once it has failed authentication `limit` times in the
 * window. Only answers that were 401 count, after they are sent: counting
 * every request and uncounting the successful ones (express-rate-limit's
 * `skipSuccessfulRequests`) would refuse a busy clinic behind one address
 * whenever more than `limit` requests are in flight at once.
 */
function failedAuthenticationLimit(windowMs: number, limit: number, body: RefusalBody): RequestHandler {
  const failures = new MemoryStore();
  failures.init({ windowMs } as Parameters<MemoryStore['init']>[0]);
  return async (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? '');
    const seen = await failures.get(key);
    if (seen && seen.totalHits >= limit) {
      const seconds = seen.resetTime ? Math.max(1, Math.ceil((seen.resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(windowMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      sendRefusal(res, 429, body, 'Too many failed authentications; retry after the time in Retry-After');
      return;
    }
    res.once('finish', () => {
      if (res.statusCode === 401) void failures.increment(key);
    });
    next();
  };
}

/** Marks every GraphQL response as not cacheable: it carries patient data. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Bodies express refuses before GraphQL sees them (too large, not JSON)
 * answered as JSON in GraphQL's error shape instead of express's HTML page.
 */
export const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const { type, status, refusal, message } = err as { type?: string; status?: number; refusal?: boolean; message: string };
  if (type === 'entity.too.large') {
    res.status(413).json(errorBody('PAYLOAD_TOO_LARGE', 'The request body is larger than allowed'));
  } else if (refusal) {
    res.status(400).json(errorBody('BAD_REQUEST', message));
  } else if (type === 'encoding.unsupported') {
    res.status(415).json(errorBody('BAD_REQUEST', 'Compressed request bodies are not accepted: send the JSON uncompressed'));
  } else if (type === 'entity.parse.failed' || type === 'charset.unsupported') {
    res.status(400).json(errorBody('BAD_REQUEST', 'The request body is not valid JSON'));
  } else if (typeof status === 'number' && status >= 400 && status < 500) {
    // A body whose length does not match Content-Length, or that ends early.
    res.status(400).json(errorBody('BAD_REQUEST', 'The request body could not be read (check Content-Length)'));
  } else {
    next(err);
  }
};
