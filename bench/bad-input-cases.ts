import crypto from 'node:crypto';
import zlib from 'node:zlib';

/**
 * The bad requests of the bench's `badinput` section (issue 19): every kind
 * a careless or hostile client sends, each in several sizes. Drawn at
 * random with a fixed seed, so two runs send the same requests.
 */
export type Kind =
  | 'random bytes'
  | 'broken JSON'
  | 'deep document'
  | 'wide document'
  | 'deep JSON'
  | 'wide variables'
  | 'huge strings'
  | 'invalid UTF-8'
  | 'NUL and surrogates'
  | 'absurd variables'
  | 'bad encoding'
  | 'bad HTTP'
  | 'WebSocket';

export type Auth = 'valid' | 'bad' | 'none';

export interface HttpCase {
  kind: Exclude<Kind, 'WebSocket'>;
  label: string;
  method: string;
  /** Query string after /graphql, if any. */
  search?: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One WebSocket: optionally `connection_init`, then frames; answered when the server replies or closes. */
export interface WsCase {
  kind: 'WebSocket';
  label: string;
  /** Send `connection_init` with this token first and wait for its ack (undefined: no init). */
  init?: Auth;
  frames: { data: Buffer | string; binary?: boolean }[];
}

export type Case = HttpCase | WsCase;

/** mulberry32: a small seeded generator, so runs are reproducible. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)] };
}
type Random = ReturnType<typeof random>;

const J = (value: unknown) => Buffer.from(JSON.stringify(value));
const repeat = (s: string, n: number) => s.repeat(n);
const ME = '{ me { id } }';
const NODE = 'query($id: ID!) { node(id: $id) { id } }';
const NOTE = 'mutation($input: AddTaskNoteInput!) { addTaskNote(input: $input) { id } }';

// Large bodies are built once and reused: the bench must not spend its own time building them.
const built = new Map<string, Buffer>();
const once = (key: string, make: () => Buffer) => built.get(key) ?? (built.set(key, make()), built.get(key)!);

const nested = (open: string, inner: string, close: string, depth: number) => repeat(open, depth) + inner + repeat(close, depth);

/** Documents nested `depth` deep in each way the grammar allows. */
const deepDocuments: Record<string, (depth: number) => string> = {
  braces: (d) => repeat('{', d),
  selections: (d) => `{ me ${nested('{ patients ', 'id', '}', d)} }`,
  'list value': (d) => `{ node(id: ${nested('[', '"x"', ']', d)}) { id } }`,
  'object value': (d) => `{ node(id: ${nested('{ a: ', '1', '}', d)}) { id } }`,
  'variable type': (d) => `query($a: ${nested('[', 'ID', ']', d)}) { me { id } }`,
  'inline fragments': (d) => nested('{ ... on Query ', '{ me { id } }', '}', d),
};
const DEPTHS = [100, 500, 2000, 5000, 10000, 30000];

const wideDocuments: Record<string, (n: number) => string> = {
  fields: (n) => `{ me { ${repeat('id ', n)} } }`,
  aliases: (n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`,
  directives: (n) => `{ me ${repeat('@include(if: true) ', n)} { id } }`,
  operations: (n) => Array.from({ length: n }, (_, i) => `query Q${i} { me { id } }`).join(' '),
  fragments: (n) => `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(' ')}`,
  'variable definitions': (n) => `query(${Array.from({ length: n }, (_, i) => `$v${i}: Int`).join(' ')}) { me { id } }`,
  'fragment cycle': () => '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
};

type Made = [label: string, made: Buffer | Partial<HttpCase>];

function deepJson(r: Random): Made {
  const depth = r.pick([1000, 10000, 100000, 400000]);
  const where = r.pick(['variables', 'extensions', 'body', 'variable value']);
  const [open, close] = r.pick([
    ['[', ']'],
    ['{"a":', '}'],
  ] as const);
  return [
    `${depth} ${open === '[' ? 'arrays' : 'objects'} in ${where}`,
    once(`deep-json ${depth} ${where} ${open}`, () => {
      const value = open === '[' ? nested('[', '', ']', depth) : nested(open, '1', close, depth);
      if (where === 'body') return Buffer.from(value);
      if (where === 'variables') return Buffer.from(`{"query":${JSON.stringify(NODE)},"variables":${value}}`);
      if (where === 'extensions') return Buffer.from(`{"query":${JSON.stringify(ME)},"extensions":${value}}`);
      return Buffer.from(`{"query":${JSON.stringify(NODE)},"variables":{"id":${value}}}`);
    }),
  ];
}

function wideVariables(r: Random): Made {
  const n = r.pick([10_000, 50_000, 100_000]);
  const shape = r.pick(['many variables', 'long list', 'wide object', 'many notes']);
  return [
    `${shape}, ${n}`,
    once(`wide ${n} ${shape}`, () => {
      if (shape === 'many variables')
        return J({ query: ME, variables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, i])) });
      if (shape === 'long list')
        return J({ query: 'query($id: [ID!]) { me { id } }', variables: { id: Array.from({ length: n }, (_, i) => i) } });
      if (shape === 'wide object')
        return J({ query: NODE, variables: { id: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])) } });
      return J({
        query: NOTE,
        variables: { input: { taskId: 'tsk_x', text: 'x', extra: Array.from({ length: n / 10 }, () => ({ a: 'b' })) } },
      });
    }),
  ];
}

function hugeStrings(r: Random): Made {
  const variant = r.pick([
    'query',
    'variable',
    'operation name',
    'note text',
    'over the body limit',
    'header',
    'request id',
    'query string',
  ]);
  return [variant, hugeString(variant)];
}

function hugeString(variant: string): Partial<HttpCase> {
  const big = (n: number) => 'x'.repeat(n);
  switch (variant) {
    case 'query':
      return { body: once('huge query', () => J({ query: `${ME} #${big(900_000)}` })) };
    case 'variable':
      return { body: once('huge variable', () => J({ query: NODE, variables: { id: big(900_000) } })) };
    case 'operation name':
      return { body: once('huge operation name', () => J({ query: ME, operationName: big(900_000) })) };
    case 'note text':
      return { body: once('huge note', () => J({ query: NOTE, variables: { input: { taskId: 'tsk_x', text: big(900_000) } } })) };
    case 'over the body limit':
      return { body: once('huge body', () => J({ query: ME, variables: { id: big(3_000_000) } })) };
    case 'header':
      return { headers: { 'x-padding': big(20_000) }, body: J({ query: ME }) };
    case 'request id':
      return { headers: { 'x-request-id': big(8_000) }, body: J({ query: ME }) };
    default:
      return { method: 'GET', search: `?query=${encodeURIComponent(`${ME} #${big(12_000)}`)}` };
  }
}

function invalidUtf8(r: Random): Made {
  const bytes = r.pick([[0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff]]);
  const where = r.pick(['query', 'variable', 'key', 'note text']);
  const [before, after] =
    where === 'query'
      ? [`{"query":"{ me { id } } #`, '"}']
      : where === 'variable'
        ? [`{"query":${JSON.stringify(NODE)},"variables":{"id":"pat_`, '"}}']
        : where === 'key'
          ? [`{"query":${JSON.stringify(ME)},"variables":{"`, '":1}}']
          : [`{"query":${JSON.stringify(NOTE)},"variables":{"input":{"taskId":"tsk_x","text":"note `, '"}}}'];
  return [
    `${Buffer.from(bytes).toString('hex')} in ${where}`,
    Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]),
  ];
}

function nulAndSurrogates(r: Random): Made {
  const where = r.pick(['note text', 'query string literal', 'variable', 'raw NUL byte', 'document']);
  return [where, nulOrSurrogate(r, where)];
}

function nulOrSurrogate(r: Random, where: string): Buffer {
  const bad = r.pick(['\u0000', '\ud800', '\udfff', 'a\u0000b', '\ud800\ud800']);
  switch (where) {
    case 'note text':
      return J({ query: NOTE, variables: { input: { taskId: 'tsk_x', text: `Called ${bad}` } } });
    case 'query string literal':
      return J({ query: `{ node(id: ${JSON.stringify(bad)}) { id } }` });
    case 'variable':
      return J({ query: NODE, variables: { id: bad } });
    case 'raw NUL byte':
      return Buffer.concat([Buffer.from('{"query":"{ me { id } }'), Buffer.from([0]), Buffer.from('"}')]);
    default:
      return J({ query: `${ME}${bad}` });
  }
}

function absurdVariables(r: Random): Made {
  const page = 'query($first: Int) { patients(first: $first) { totalCount } }';
  const body = r.pick<Record<string, unknown>>([
    { query: ME, variables: 'x' },
    { query: ME, variables: [1, 2] },
    { query: ME, variables: 5 },
    { query: ME, operationName: 5 },
    { query: ME, operationName: { a: 1 } },
    { query: ME, operationName: 'Nope' },
    { query: 5 },
    { query: null },
    { query: { a: 1 } },
    {},
    { query: ME, extensions: 'x' },
    { query: ME, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } },
    { extensions: { persistedQuery: { version: 1, sha256Hash: 'zz'.repeat(10_000) } } },
    { query: page, variables: { first: 1e308 } },
    { query: page, variables: { first: -1 } },
    { query: page, variables: { first: 2 ** 53 } },
    { query: page, variables: { first: 'NaN' } },
    { query: page, variables: { first: 1.5 } },
    { query: page, variables: { first: 100, __proto__: { polluted: true }, constructor: { prototype: 1 } } },
    { query: NODE, variables: { id: { toString: 'x' } } },
    { query: NODE, variables: { id: null } },
    { query: NOTE, variables: { input: { taskId: 5, text: ['a'] } } },
    { query: NOTE, variables: { input: 'x' } },
  ]);
  return [
    JSON.stringify(body)
      .replace(/x{20,}|z{20,}/g, '…')
      .slice(0, 80),
    J(body),
  ];
}

function brokenJson(r: Random): Made {
  const valid = JSON.stringify({ query: NODE, variables: { id: 'pat_0123' } });
  const body = r.pick([
    () => valid.slice(0, r.int(valid.length)),
    () => `${valid},`,
    () => valid.replace(/"/g, "'"),
    () => `${valid}}`,
    () => `{query: "${ME}"}`,
    () => '{"query":"{ me { id } }",}',
    () => '',
    () => 'null',
    () => '"{ me { id } }"',
    () => '123',
    () => '[]',
    () => `[${valid},${valid}]`,
    () => '{"query":"\\u12"}',
    () => '{"query":"\\x41"}',
    () => '{"query":"{ me { id } }","query":"{ me { name } }"}',
  ])();
  return [body.slice(0, 40), Buffer.from(body)];
}

function badEncoding(r: Random): Made {
  const variant = r.pick(['gzip garbage', 'deflate garbage', 'br garbage', 'truncated gzip', 'gzip bomb', 'unknown', 'charset', 'type']);
  return [variant, encoded(r, variant)];
}

function encoded(r: Random, variant: string): Partial<HttpCase> {
  const json = J({ query: ME });
  switch (variant) {
    case 'gzip garbage':
      return { headers: { 'content-encoding': 'gzip' }, body: crypto.randomBytes(1 + r.int(2000)) };
    case 'deflate garbage':
      return { headers: { 'content-encoding': 'deflate' }, body: Buffer.from('not deflate at all') };
    case 'br garbage':
      return { headers: { 'content-encoding': 'br' }, body: Buffer.from('not brotli') };
    case 'truncated gzip':
      return { headers: { 'content-encoding': 'gzip' }, body: zlib.gzipSync(json).subarray(0, 12) };
    case 'gzip bomb':
      return { headers: { 'content-encoding': 'gzip' }, body: once('gzip bomb', () => zlib.gzipSync(Buffer.alloc(100_000_000, ' '))) };
    case 'unknown':
      return { headers: { 'content-encoding': r.pick(['compress', 'x-nonsense', 'gzip, gzip', 'identity, br']) }, body: json };
    case 'charset':
      return { headers: { 'content-type': `application/json; charset=${r.pick(['latin1', 'utf-16', 'bogus', 'utf-32le'])}` }, body: json };
    default:
      return {
        headers: {
          'content-type': r.pick(['text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/graphql', '']),
        },
        body: json,
      };
  }
}

function badHttp(r: Random): Made {
  const made = r.pick<Partial<HttpCase>>([
    { method: 'PUT', body: J({ query: ME }) },
    { method: 'DELETE' },
    { method: 'PATCH', body: J({ query: ME }) },
    { method: 'GET', search: `?query=${encodeURIComponent('mutation { __typename }')}` },
    { method: 'GET', search: '?query=%E0%A4%A&variables=%7B' },
    { method: 'GET', search: `?query=${encodeURIComponent(ME)}&variables=not-json` },
    { method: 'GET', search: `?query=${encodeURIComponent(ME)}&extensions=${encodeURIComponent('{"persistedQuery":5}')}` },
    { method: 'GET', search: '?query[]=a&query[]=b' },
    { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } },
  ]);
  return [`${made.method} ${made.search?.slice(0, 40) ?? ''}`.trim(), made];
}

function deepDocument(r: Random): Made {
  const shape = r.pick(Object.keys(deepDocuments));
  const depth = r.pick(DEPTHS);
  return [`${shape}, ${depth}`, once(`deep ${shape} ${depth}`, () => J({ query: deepDocuments[shape](depth) }))];
}

function wideDocument(r: Random): Made {
  const shape = r.pick(Object.keys(wideDocuments));
  const n = r.pick([100, 1000, 5000, 20000]);
  return [`${shape}, ${n}`, once(`wide ${shape} ${n}`, () => J({ query: wideDocuments[shape](n) }))];
}

/** A WebSocket session: broken messages, huge and deep subscribe payloads, protocol abuse. */
function webSocket(r: Random): WsCase {
  const subscribe = (payload: unknown, id = '1') => JSON.stringify({ id, type: 'subscribe', payload });
  const live = 'subscription($id: ID!) { patientEvents(patientId: $id) { id } }';
  const variant = r.pick([
    'not JSON',
    'JSON that is not a message',
    'unknown type',
    'subscribe before init',
    'bad token',
    'deep init payload',
    'deep document',
    'huge document',
    'frame over the limit',
    'deep variables',
    'wide variables',
    'NUL in variables',
    'invalid UTF-8 frame',
    'binary frame',
    'duplicate id',
    'query not a string',
  ]);
  const frames: WsCase['frames'] = [];
  let init: Auth | undefined = 'valid';
  switch (variant) {
    case 'not JSON':
      frames.push({ data: r.pick(['{', 'hello', '{"type":"subscribe"', crypto.randomBytes(64).toString('latin1')]) });
      break;
    case 'JSON that is not a message':
      frames.push({ data: r.pick(['null', '5', '[]', '"subscribe"', '{"type":5}']) });
      break;
    case 'unknown type':
      frames.push({ data: JSON.stringify({ type: 'start', id: '1', payload: { query: ME } }) });
      break;
    case 'subscribe before init':
      init = undefined;
      frames.push({ data: subscribe({ query: ME }) });
      break;
    case 'bad token':
      init = r.pick(['bad', 'none'] as const);
      break;
    case 'deep init payload':
      init = undefined;
      frames.push({
        data: once('ws deep init', () => Buffer.from(`{"type":"connection_init","payload":${nested('{"a":', '1', '}', 100000)}}`)),
      });
      break;
    case 'deep document': {
      const shape = r.pick(Object.keys(deepDocuments));
      const depth = r.pick(DEPTHS);
      frames.push({ data: once(`ws deep ${shape} ${depth}`, () => Buffer.from(subscribe({ query: deepDocuments[shape](depth) }))) });
      break;
    }
    case 'huge document':
      frames.push({
        data: once('ws huge', () => Buffer.from(subscribe({ query: `${live} #${'x'.repeat(900_000)}`, variables: { id: 'pat_x' } }))),
      });
      break;
    case 'frame over the limit':
      frames.push({ data: once('ws over', () => Buffer.from(subscribe({ query: live, variables: { id: 'x'.repeat(2_000_000) } }))) });
      break;
    case 'deep variables':
      frames.push({
        data: once('ws deep variables', () =>
          Buffer.from(
            `{"id":"1","type":"subscribe","payload":{"query":${JSON.stringify(live)},"variables":{"id":${nested('[', '', ']', 100000)}}}}`,
          ),
        ),
      });
      break;
    case 'wide variables':
      frames.push({
        data: once('ws wide variables', () =>
          Buffer.from(subscribe({ query: live, variables: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`v${i}`, i])) })),
        ),
      });
      break;
    case 'NUL in variables':
      frames.push({ data: subscribe({ query: live, variables: { id: 'pat_\u0000' } }) });
      break;
    case 'invalid UTF-8 frame':
      frames.push({ data: Buffer.concat([Buffer.from(subscribe({ query: ME }).slice(0, 20)), Buffer.from([0xff, 0xfe])]) });
      break;
    case 'binary frame':
      frames.push({ data: crypto.randomBytes(256), binary: true });
      break;
    case 'duplicate id':
      frames.push(
        { data: subscribe({ query: live, variables: { id: 'pat_x' } }) },
        { data: subscribe({ query: live, variables: { id: 'pat_x' } }) },
      );
      break;
    default:
      frames.push({ data: subscribe({ query: 5 }) });
  }
  return { kind: 'WebSocket', label: variant, init, frames };
}

const HTTP_KINDS: [HttpCase['kind'], (r: Random) => Made][] = [
  [
    'random bytes',
    (r) => {
      const size = 1 + r.int(r.pick([100, 5000, 60_000]));
      return [`${size} bytes`, crypto.randomBytes(size)];
    },
  ],
  ['broken JSON', brokenJson],
  ['deep document', deepDocument],
  ['wide document', wideDocument],
  ['deep JSON', deepJson],
  ['wide variables', wideVariables],
  ['huge strings', hugeStrings],
  ['invalid UTF-8', invalidUtf8],
  ['NUL and surrogates', nulAndSurrogates],
  ['absurd variables', absurdVariables],
  ['bad encoding', badEncoding],
  ['bad HTTP', badHttp],
];

/** The i-th bad request: about one in ten a WebSocket session, the rest HTTP spread evenly over the kinds. */
export function badCase(r: Random): Case {
  if (r.next() < 0.1) return webSocket(r);
  const [kind, make] = r.pick(HTTP_KINDS);
  const [label, made] = make(r);
  const partial: Partial<HttpCase> = Buffer.isBuffer(made) ? { body: made } : made;
  return {
    kind,
    label,
    method: partial.method ?? 'POST',
    search: partial.search,
    headers: { 'content-type': 'application/json', ...partial.headers },
    body: partial.body,
  };
}
