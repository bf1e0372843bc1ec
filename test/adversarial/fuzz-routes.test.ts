/**
 * Schema-driven fuzzing of every route in the OpenAPI document: malformed and boundary requests
 * (wrong types, missing fields, huge strings, control characters, deep JSON, wrong content
 * types, odd path parameters) sent with the credentials of a principal the route serves. Never
 * a 5xx, never a hang; every 4xx is problem+json, and a 400 names the field and rule at fault.
 * Seeded: ≈1,500 requests in `npm test`, ≥ 20,000 with LABORSIGN_ADVERSARIAL_LONG=1
 * (`npm run test:adversarial`); LABORSIGN_ADVERSARIAL_SEED replays another seed.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'light-my-request';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const long = process.env.LABORSIGN_ADVERSARIAL_LONG === '1';
const total = long ? 20_000 : 1_500;
const seed = Number(process.env.LABORSIGN_ADVERSARIAL_SEED ?? 20261205);
const requestTimeoutMs = 60_000;

const { app, adminToken } = await createTestPlatform(t, { RATE_LIMIT_PER_MINUTE: '10000000' });
const admin = bearer(adminToken);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(71) })).json().apiKey);
const officials: Record<string, Record<string, string>> = {};
for (const role of ['insurance', 'arbitration', 'inspection', 'employment']) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}官员`, role, regionCode: '14' } });
  officials[role] = bearer(created.json().apiKey);
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
}

interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: JsonSchema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

const document = app.swagger() as { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> };
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })),
);

/** Who may call a route, by its place in the API (the fuzzer wants to get past authentication). */
function credentialsFor(path: string): Record<string, string> {
  if (path.startsWith('/api/v1/admin')) return admin;
  for (const role of Object.keys(officials)) if (path.startsWith(`/api/v1/${role}`)) return officials[role]!;
  if (path.startsWith('/api/v1/government')) return officials.inspection!;
  return employer;
}

const control = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b[31m', '\u007f', 'a\u0000b', '\r\n', '\t', '\ud800', '\u202e');
const hostileString = fc.oneof(
  fc.constant(''),
  fc.constant(' '),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  control,
  fc.tuple(fc.string({ maxLength: 5 }), control, fc.string({ maxLength: 5 })).map(([a, c, b]) => a + c + b),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('null', 'undefined', '0', '-1', '1e309', 'NaN', '../../etc/passwd', '%00', "' OR 1=1 --", '<script>', '{{7*7}}', '\\', '"', '中文'),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.integer({ min: 10, max: 60 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
);

/** A value the schema would accept where it can (so deeper checks run), else something near it. */
function plausible(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileValue;
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((s) => plausible(s, depth + 1)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const entries = Object.entries(schema.properties ?? {});
      if (!entries.length) return fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 });
      return fc.record(Object.fromEntries(entries.map(([key, s]) => [key, field(s, depth + 1)])), { requiredKeys: [] }) as fc.Arbitrary<unknown>;
    }
    case 'array':
      return fc.array(plausible(schema.items, depth + 1), { maxLength: 3 });
    case 'integer': {
      const min = Math.ceil(schema.minimum ?? -10);
      return fc.integer({ min, max: Math.max(min, Math.min(schema.maximum ?? 1_000_000, 1_000_000)) });
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$' || /date/i.test(schema.format ?? '')) return fc.constantFrom('2026-09-15', '2026-02-30', '0000-00-00');
      {
        const min = Math.min(schema.minLength ?? 0, 1_000);
        return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(schema.maxLength ?? 30, 30)) });
      }
    default:
      return hostileValue;
  }
}

/** A field: mostly plausible, sometimes hostile. */
function field(schema: JsonSchema | undefined, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: plausible(schema, depth), weight: 3 }, { arbitrary: hostileValue, weight: 2 });
}

const pathValue = fc.oneof(
  fc.uuid(),
  fc.constantFrom('x', '0', '-1', '00000000-0000-0000-0000-000000000000', '%00', '%2e%2e%2f', 'a%20b', '中文', 'labor-contract-general', 'root.cer', 'x.crl', 'ABCDEF', 'null'),
  fc.integer({ min: 200, max: 5_000 }).map((n) => 'a'.repeat(n)),
  fc.string({ minLength: 1, maxLength: 10 }).map(encodeURIComponent),
);

const queryValue = (schema: JsonSchema | undefined) =>
  fc.oneof(
    plausible(schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
    hostileString,
  );

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; type: string; payload: string | Buffer } | { kind: 'none' };

function bodyFor(operation: Operation): fc.Arbitrary<Body> {
  const content = operation.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const raw = fc.record({
    kind: fc.constant('raw' as const),
    type: fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'text/csv',
      'application/pdf',
      'image/png',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/timestamp-query',
    ),
    payload: fc.oneof(
      fc.constantFrom('', '{', 'null', '[]', '"x"', '{"a":', '%PDF-1.7 garbage', '\u0000\u0001', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'),
      fc.integer({ min: 10, max: 100_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    ),
  });
  const json = fc.record({ kind: fc.constant('json' as const), value: jsonSchema ? fc.oneof({ arbitrary: plausible(jsonSchema), weight: 4 }, { arbitrary: hostileValue, weight: 1 }) : hostileValue });
  const none = fc.constant({ kind: 'none' as const });
  return operation.method === 'GET' || operation.method === 'DELETE'
    ? fc.oneof({ arbitrary: none, weight: 4 }, { arbitrary: raw, weight: 1 })
    : fc.oneof({ arbitrary: json, weight: 5 }, { arbitrary: raw, weight: 2 }, { arbitrary: none, weight: 1 });
}

function requestFor(operation: Operation) {
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
  const formatFromPath = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return fc.record({
    path: fc.tuple(
      ...formatFromPath.map((name) => {
        const schema = pathParams.find((p) => p.name === name)?.schema;
        return fc.oneof({ arbitrary: pathValue, weight: 3 }, { arbitrary: plausible(schema).map((v) => encodeURIComponent(String(v))), weight: 1 });
      }),
    ),
    query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p.schema)])), { requiredKeys: [] }),
    extraQuery: fc.option(fc.dictionary(fc.constantFrom('x', 'limit', 'after', '__proto__', 'constructor'), hostileString, { maxKeys: 2 }), { nil: undefined }),
    body: bodyFor(operation),
    credentials: fc.constantFrom('right', 'right', 'right', 'none', 'garbage'),
  });
}

const problems: string[] = [];
const statuses = new Map<number, number>();
let sent = 0;
let hangs = 0;

type FuzzRequest = ReturnType<typeof requestFor> extends fc.Arbitrary<infer R> ? R : never;

async function send(operation: Operation, request: FuzzRequest) {
  let i = 0;
  const url = operation.path.replace(/\{(\w+)\}/g, () => String(request.path[i++] ?? 'x'));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...request.query, ...(request.extraQuery ?? {}) })) query.append(key, String(value));
  const headers: Record<string, string> =
    request.credentials === 'right' ? { ...credentialsFor(operation.path) } : request.credentials === 'garbage' ? { authorization: `Bearer garbage${'x'.repeat(40)}` } : {};
  const target = `${url}${query.size ? `?${query}` : ''}`;
  const inject: InjectOptions = { method: operation.method as 'GET', url: target, headers };
  if (request.body.kind === 'json') {
    inject.payload = JSON.stringify(request.body.value) ?? 'null';
    headers['content-type'] = 'application/json';
  } else if (request.body.kind === 'raw') {
    inject.payload = request.body.payload;
    headers['content-type'] = request.body.type;
  }
  sent++;
  let timer: NodeJS.Timeout | undefined;
  const response = await Promise.race([app.inject(inject), new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), requestTimeoutMs)))]).finally(() => clearTimeout(timer));
  const label = `${operation.method} ${operation.path} (${target.slice(0, 120)}, ${request.body.kind === 'raw' ? request.body.type : request.body.kind})`;
  if (response === 'hang') {
    hangs++;
    problems.push(`${label}: no answer in ${requestTimeoutMs / 1000} s`);
    return false;
  }
  statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
  if (response.statusCode >= 500) {
    problems.push(`${label}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return false;
  }
  if (response.statusCode >= 400) {
    if (!/application\/problem\+json/.test(String(response.headers['content-type']))) {
      problems.push(`${label}: ${response.statusCode} is not problem+json (${response.headers['content-type']})`);
      return false;
    }
    const body = response.json() as { errors?: { field?: unknown; rule?: unknown }[] };
    if (response.statusCode === 400 && (!body.errors?.length || body.errors.some((e) => typeof e.field !== 'string' || typeof e.rule !== 'string'))) {
      problems.push(`${label}: 400 without a named field and rule: ${response.body.slice(0, 300)}`);
      return false;
    }
  }
  return true;
}

t.test(`${total} fuzzed requests over ${operations.length} operations: no 5xx, no hang, problem+json`, async (t) => {
  t.ok(operations.length > 50, `${operations.length} operations in the OpenAPI document`);
  const perOperation = Math.max(1, Math.ceil(total / operations.length));
  const started = Date.now();
  for (const [index, operation] of operations.entries()) {
    await fc
      .assert(
        fc.asyncProperty(requestFor(operation), (request) => send(operation, request)),
        { seed: seed + index, numRuns: perOperation, endOnFailure: true },
      )
      .catch(() => undefined);
  }
  t.comment(
    `fuzz: ${sent} requests, statuses ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}, ${hangs} hangs, ${Math.round((Date.now() - started) / 1000)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
  t.same(problems.slice(0, 30), [], `${problems.length} problems`);
});
