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

t.test('seal authorisation dates: calendar dates or instants, described as such', async (t) => {
  const grant = doc.paths['/api/v1/seal-authorisations']?.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
  const body = grant.requestBody.content['application/json']?.schema;
  for (const field of ['validFrom', 'validUntil']) {
    t.match(JSON.stringify(body?.properties[field]), /"format":"date"/, `${field}: a calendar date`);
    t.match(JSON.stringify(body?.properties[field]), /"format":"date-time"/, `${field}: or an instant`);
  }
});
