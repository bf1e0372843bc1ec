import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';

/** Development helpers, registered only outside production. */
export const devRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/outbox',
      {
        config: { access: ['public'] },
        schema: {
          tags: ['development'],
          summary: 'Messages the development SMS gateway would have sent (not available in production)',
          querystring: z.object({ phone: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }),
          response: { 200: z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), to: z.string(), text: z.string(), createdAt: z.date() })) }) },
        },
      },
      async (request) => ({ items: await platform.outbox.list(request.query) }),
    );
  };
