/** Webhooks: an employer's endpoints, their secrets, the delivery log and redelivery (docs/WEBHOOKS.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../problem.ts';
import type { WebhookService } from '../../services/webhooks.ts';
import { text } from '../../support/text.ts';
import { webhookEventTypes } from '../../webhooks/events.ts';
import { principalOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';

export interface WebhookRouteDeps {
  webhooks: WebhookService;
}

const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(webhookEventTypes)),
  enabled: z.boolean(),
  disabledAt: z.iso.datetime().nullable(),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  previousSecretValidUntil: z.iso.datetime().nullable().describe('after a rotation: until when the previous secret also signs'),
  createdAt: z.iso.datetime(),
});
const withSecret = endpointView.extend({ secret: z.string().describe('whsec_… (Standard Webhooks); shown in this answer only') });
const messageView = z.object({
  id: z.string().describe('the webhook-id header of every attempt'),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  payload: z.string().describe('the body exactly as signed'),
  attempts: z.array(z.object({ at: z.iso.datetime(), manual: z.boolean(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable() })),
});
const events = z.array(z.enum(webhookEventTypes)).min(1);
const url = z
  .string()
  .max(2000)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u0020\u007f]+$/, 'no spaces or control characters')
  .describe('http(s) URL; its host must resolve to a public address (or be in WEBHOOK_ALLOWLIST)');
const config = { resource: 'contract.manage' as const };
const tags = ['webhooks'];

function organisationIdOf(request: Parameters<typeof principalOf>[0]): string {
  const principal = principalOf(request);
  if (principal.kind !== 'employer') throw Problem.forbidden('Only employers do this.');
  return principal.organisationId;
}

export const webhookRoutes =
  (deps: WebhookRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { webhooks } = deps;
    const idParams = uuidParam;

    app.post(
      '/webhooks/endpoints',
      {
        config,
        schema: { tags, summary: 'Register a webhook endpoint and the events it receives', body: z.object({ url, events, description: text(200).optional() }), response: { 201: withSecret } },
      },
      async (request, reply) => reply.status(201).send(await webhooks.register(organisationIdOf(request), request.body)),
    );

    app.get('/webhooks/endpoints', { config, schema: { tags, summary: 'Your webhook endpoints', response: { 200: z.object({ items: z.array(endpointView) }) } } }, async (request) => ({
      items: await webhooks.list(organisationIdOf(request)),
    }));

    app.get(
      '/webhooks/endpoints/:id',
      { config, schema: { tags, summary: 'One webhook endpoint', params: idParams, response: { 200: endpointView } } },
      async (request) => await webhooks.get(organisationIdOf(request), request.params.id),
    );

    app.patch(
      '/webhooks/endpoints/:id',
      {
        config,
        schema: {
          tags,
          summary: 'Change an endpoint; `enabled: true` revives a disabled one',
          params: idParams,
          body: z.object({ url: url.optional(), events: events.optional(), description: text(200).optional(), enabled: z.boolean().optional() }),
          response: { 200: endpointView },
        },
      },
      async (request) => await webhooks.update(organisationIdOf(request), request.params.id, request.body),
    );

    app.post(
      '/webhooks/endpoints/:id/rotate-secret',
      { config, schema: { tags, summary: 'A new signing secret; the previous one also signs during WEBHOOK_SECRET_GRACE_HOURS', params: idParams, response: { 200: withSecret } } },
      async (request) => await webhooks.rotateSecret(organisationIdOf(request), request.params.id),
    );

    app.get(
      '/webhooks/endpoints/:id/messages',
      {
        config,
        schema: {
          tags,
          summary: 'The delivery log: messages newest first, with every attempt',
          params: idParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ items: z.array(messageView) }) },
        },
      },
      async (request) => ({ items: await webhooks.messages(organisationIdOf(request), request.params.id, request.query.limit) }),
    );

    app.post(
      '/webhooks/endpoints/:id/messages/:messageId/redeliver',
      {
        config,
        schema: {
          tags,
          summary: 'Send a message again (same webhook-id)',
          params: idParams.extend({ messageId: z.string().max(60) }),
          response: { 202: z.object({ id: z.string(), status: z.literal('pending') }) },
        },
      },
      async (request, reply) => reply.status(202).send(await webhooks.redeliver(organisationIdOf(request), request.params.id, request.params.messageId)),
    );
  };
