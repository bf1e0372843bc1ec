/**
 * 劳动争议仲裁 / 劳动保障监察 cases: an official opens a case on a contract of their region,
 * which puts the contract's archived objects under legal hold until the case is closed
 * (src/services/legal-holds.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { officialOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';
import { text } from '../../support/text.ts';

const config = { resource: 'legal.case' as const };
const caseView = z.object({
  id: z.string(),
  kind: z.enum(['arbitration', 'inspection']),
  caseNumber: z.string(),
  contractId: z.string(),
  openedBy: z.string(),
  openedAt: z.date(),
  closedBy: z.string().nullable(),
  closedAt: z.date().nullable(),
  legalHold: z.object({
    held: z.boolean().describe('the contract’s objects are under legal hold (some case on it is open)'),
    objects: z.number().int(),
    enforcedByStore: z.boolean().describe('the object store enforces the hold (object lock); otherwise only the application keeps the objects'),
  }),
});
const openBody = z.object({ caseNumber: text(60, { min: 2 }).describe('案号'), contractId: z.uuid() });

/** What the case routes call. */
export type CaseRouteDeps = Pick<Platform, 'legalHolds'>;

export const caseRoutes =
  (deps: CaseRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    for (const [kind, office] of [
      ['arbitration', '劳动争议仲裁'],
      ['inspection', '劳动保障监察'],
    ] as const) {
      app.post(
        `/${kind}/cases`,
        {
          config,
          schema: {
            tags: ['government'],
            summary: `${office}: open a case on a contract of your region; its archived objects are under legal hold until the case is closed (audited)`,
            body: openBody,
            response: { 201: caseView },
          },
        },
        async (request, reply) => reply.status(201).send(await deps.legalHolds.open(officialOf(request), kind, request.body)),
      );
      app.post(
        `/${kind}/cases/:id/close`,
        {
          config,
          schema: {
            tags: ['government'],
            summary: `${office}: close a case; the legal hold is lifted when no other case on the contract is open (audited)`,
            params: uuidParam,
            response: { 200: caseView },
          },
        },
        async (request) => deps.legalHolds.close(officialOf(request), kind, request.params.id),
      );
    }
  };
