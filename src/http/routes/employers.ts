import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { getOrganisationFor } from '../../services/organisations.ts';
import { principalOf } from '../plugins/auth.ts';
import { organisationView, uuidParam } from '../schemas.ts';

export const employerRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/me',
      {
        config: { access: ['admin', 'employer', 'official'] },
        schema: { tags: ['identity'], summary: 'The principal behind the API key', response: { 200: z.object({ kind: z.string() }).loose() } },
      },
      async (request) => principalOf(request),
    );

    app.get(
      '/employers/:id',
      {
        config: { access: ['admin', 'employer', 'official'] },
        schema: { tags: ['employers'], summary: 'One organisation (employers: only their own; officials: within their region)', params: uuidParam, response: { 200: organisationView } },
      },
      async (request) => getOrganisationFor(platform.db, principalOf(request), request.params.id),
    );
  };
