/** 自动签章授权: grant, list and revoke the employer's authorisations for automatic sealing. */
import { text } from '../../support/text.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { organisationOf, principalOf } from '../plugins/auth.ts';
import { beijingInstant, uuidParam } from '../schemas.ts';

const authorisationView = z.object({
  id: z.string(),
  templateIds: z.array(z.string()),
  validFrom: z.date(),
  validUntil: z.date(),
  grantedBy: z.string(),
  grantedAt: z.date(),
  revokedAt: z.date().nullable(),
  revokedBy: z.string().nullable(),
});
const config = { resource: 'seal' as const };
const tags = ['seal authorisations'];

/** What the seal authorisation routes call. */
export type SealAuthorisationRouteDeps = Pick<Platform, 'organisations' | 'sealAuthorisations' | 'templates'>;

export const sealAuthorisationRoutes =
  (deps: SealAuthorisationRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const actorOf = (request: Parameters<typeof principalOf>[0]) => ({ kind: 'employer' as const, id: principalOf(request).principalId });

    app.get('/seal-authorisations', { config, schema: { tags, summary: 'Your seal authorisations', response: { 200: z.object({ items: z.array(authorisationView) }) } } }, async (request) => ({
      items: await deps.sealAuthorisations.list(await organisationOf(deps, request)),
    }));

    app.post(
      '/seal-authorisations',
      {
        config,
        schema: {
          tags,
          summary: 'Authorise automatic sealing of some templates within a time window',
          body: z.object({
            templateIds: z
              .array(z.string().min(1))
              .min(1)
              .refine((ids) => ids.every((id) => deps.templates.get(id)), 'every template must exist')
              .meta({ examples: [['labor-contract-general']] }),
            validFrom: beijingInstant('start').describe('from when: a date-time with offset, or a date YYYY-MM-DD meaning 00:00 Beijing time that day'),
            validUntil: beijingInstant('end').describe('until when: a date-time with offset, or a date YYYY-MM-DD meaning the whole day in Beijing time (to 23:59:59.999)'),
            grantedBy: text(100, { min: 2 }).describe('who grants it: name and position, e.g. 李红梅（法定代表人）'),
          }),
          response: { 201: authorisationView },
        },
      },
      async (request, reply) => reply.status(201).send(await deps.sealAuthorisations.grant(await organisationOf(deps, request), request.body, actorOf(request))),
    );

    app.post(
      '/seal-authorisations/:id/revoke',
      {
        config,
        schema: {
          tags,
          summary: 'Revoke an authorisation; automatic sealing stops at once',
          params: uuidParam,
          body: z.object({ revokedBy: text(100, { min: 2 }) }),
          response: { 200: authorisationView },
        },
      },
      async (request) => deps.sealAuthorisations.revoke(await organisationOf(deps, request), request.params.id, request.body.revokedBy, actorOf(request)),
    );
  };
