/**
 * The API description is complete: every operation in /openapi.json declares what a success
 * answers — a 2xx (or 3xx) response with a content schema, or a 204 — so integrators (and
 * Fastify's serializer) never guess. Calendar dates are `format: date`, instants `date-time`.
 */
import t from 'tap';
import { createTestPlatform } from '../helpers/platform.ts';

const { app } = await createTestPlatform(t);
const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));

t.test('every operation declares its success answer', async (t) => {
  t.ok(operations.length > 50, `${operations.length} operations`);
  const undescribed = operations
    .filter(
      ({ operation }) =>
        !Object.entries(operation.responses ?? {}).some(([code, response]) => code === '204' || (/^[23]\d\d$/.test(code) && Object.values(response.content ?? {}).some((c) => c.schema !== undefined))),
    )
    .map(({ name }) => name);
  t.same(undescribed, [], 'operations without a 2xx/3xx response schema (or a 204)');
});

t.test('request schemas describe every property (no `{}` for a date or anything else)', async (t) => {
  const empty: string[] = [];
  const walk = (schema: unknown, where: string) => {
    if (!schema || typeof schema !== 'object') return;
    const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
    for (const [name, property] of Object.entries(properties)) {
      if (property && typeof property === 'object' && Object.keys(property).length === 0) empty.push(`${where}.${name}`);
      walk(property, `${where}.${name}`);
    }
  };
  for (const { name, operation } of operations) {
    const body = (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } }).requestBody;
    for (const content of Object.values(body?.content ?? {})) walk(content.schema, name);
  }
  t.same(empty, [], 'body properties with an empty schema');
});

t.test('every date has a format: date (calendar days) or date-time (instants)', async (t) => {
  const dateName = /(Date|At|Until|From|On)$|^(asOf|date)$/;
  // A policy source's date may be only a year or a month (YYYY-MM, YYYY), and says so.
  const partialDates = new Set(['GET /api/v1/employment/hires 200 .policies[].sources[].date']);
  const unformatted: string[] = [];
  let dates = 0;
  const isString = (schema: Record<string, unknown>) => schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
  const hasFormat = (schema: unknown): boolean =>
    !!schema && typeof schema === 'object' && ('format' in schema || ['anyOf', 'oneOf'].some((k) => ((schema as Record<string, unknown[]>)[k] ?? []).some(hasFormat)));
  const walk = (schema: unknown, where: string) => {
    if (!schema || typeof schema !== 'object') return;
    const node = schema as Record<string, unknown>;
    for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const anyString = isString(property) || ((property.anyOf ?? []) as Record<string, unknown>[]).some(isString);
      if (dateName.test(name) && anyString) dates += 1;
      if (dateName.test(name) && anyString && !hasFormat(property) && !partialDates.has(`${where}.${name}`)) unformatted.push(`${where}.${name}`);
      walk(property, `${where}.${name}`);
    }
    if (node.items) walk(node.items, `${where}[]`);
    for (const k of ['anyOf', 'oneOf', 'allOf']) for (const branch of (node[k] ?? []) as unknown[]) walk(branch, where);
  };
  for (const { name, operation } of operations) {
    const op = operation as { parameters?: { name: string; schema?: Record<string, unknown> }[]; requestBody?: { content?: Record<string, { schema?: unknown }> } };
    for (const parameter of op.parameters ?? [])
      if (dateName.test(parameter.name) && parameter.schema && isString(parameter.schema) && !hasFormat(parameter.schema)) unformatted.push(`${name} ?${parameter.name}`);
    for (const content of Object.values(op.requestBody?.content ?? {})) walk(content.schema, `${name} body `);
    for (const [code, response] of Object.entries(operation.responses ?? {})) for (const content of Object.values(response.content ?? {})) walk(content.schema, `${name} ${code} `);
  }
  t.ok(dates > 50, `${dates} date properties looked at`);
  t.same(unformatted, [], 'date properties without a format');
});

t.test('seal authorisation dates: calendar dates or instants, described as such', async (t) => {
  const grant = doc.paths['/api/v1/seal-authorisations']?.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
  const body = grant.requestBody.content['application/json']?.schema;
  for (const field of ['validFrom', 'validUntil']) {
    t.match(JSON.stringify(body?.properties[field]), /"format":"date"/, `${field}: a calendar date`);
    t.match(JSON.stringify(body?.properties[field]), /"format":"date-time"/, `${field}: or an instant`);
  }
});
