import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../problem.ts';
import type { Platform } from '../../runtime.ts';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** What the development routes call. */
export type DevRouteDeps = Pick<Platform, 'outbox'>;

/**
 * Development helpers, registered only outside production and only while messages go to the
 * development outbox (never when a real SMS gateway is configured). One-time codes are in
 * there, so only clients on this machine may read it.
 */
export const devRoutes =
  (deps: DevRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/outbox',
      {
        config: { resource: 'public' },
        schema: {
          tags: ['development'],
          summary: 'Messages the development SMS gateway would have sent, newest first (from this machine only; not in production nor with SMS_GATEWAY_URL)',
          querystring: z.object({
            phone: z.string().optional().describe('only messages to this number (exact, e.g. 13800000001)'),
            limit: z.coerce.number().int().min(1).max(200).default(20).describe('at most this many, newest first'),
          }),
          response: { 200: z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), to: z.string(), text: z.string(), createdAt: z.date() })) }) },
        },
      },
      async (request) => {
        if (!loopback.has(request.socket.remoteAddress ?? '')) throw Problem.forbidden('The development outbox is readable from this machine only');
        return { items: await deps.outbox.list(request.query) };
      },
    );
  };
