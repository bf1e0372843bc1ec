/** 我的合同 API for the worker's portal page (/w): phone + one-time code, then list and download. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { dayColumnView, rawAnswer, uuidParam } from '../schemas.ts';

const phone = z.string().regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number');
const publicAccess = { resource: 'public' as const };
const portalSession = { resource: 'portal' as const };
const tags = ['worker portal'];
const codeRequested = z.object({ sent: z.literal(true).describe('the same for unknown numbers') });
const portalContract = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  employerName: z.string(),
  status: z.string(),
  startDate: dayColumnView.nullable(),
  endDate: dayColumnView.nullable(),
  effectiveAt: z.date().nullable(),
  hasTerminationCertificate: z.boolean(),
});
const accessView = z.object({
  at: z.date(),
  role: z.string().describe('the office: insurance, arbitration, inspection, employment'),
  regionCode: z.string(),
  action: z.string(),
  purpose: z.string(),
  caseNumber: z.string().nullable(),
  contractNumber: z.string().nullable(),
});
const sessionHeader = (headers: Record<string, string | string[] | undefined>) => headers['x-portal-session'] as string | undefined;

/** What the worker portal routes call. */
export type PortalRouteDeps = Pick<Platform, 'workerPortal' | 'officialAccess'>;

export const portalRoutes =
  (deps: PortalRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { workerPortal } = deps;
    app.post(
      '/portal/code',
      {
        config: { ...publicAccess, rateLimit: { max: 5, timeWindow: '1 minute' } },
        schema: { tags, summary: 'Text a login code to a worker’s phone (same answer for unknown numbers)', body: z.object({ phone }), response: { 202: codeRequested } },
      },
      async (request, reply) => reply.status(202).send(await workerPortal.requestCode(request.body.phone)),
    );
    app.post(
      '/portal/login',
      {
        config: { ...publicAccess, rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Exchange phone + code for a portal session token (header X-Portal-Session)',
          body: z.object({ phone, code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code') }),
          response: { 200: z.object({ token: z.string().describe('send it as the X-Portal-Session header'), expiresAt: z.date() }) },
        },
      },
      async (request) => workerPortal.login(request.body.phone, request.body.code),
    );
    app.get('/portal/contracts', { config: portalSession, schema: { tags, summary: 'The worker’s contracts', response: { 200: z.object({ items: z.array(portalContract) }) } } }, async (request) => ({
      items: await workerPortal.contracts(sessionHeader(request.headers)),
    }));
    app.get(
      '/portal/contracts/:id/pdf',
      {
        config: portalSession,
        schema: {
          tags,
          summary: 'Download a contract or its termination certificate (free); recorded in its evidence trail',
          params: uuidParam,
          querystring: z.object({ document: z.enum(['contract', 'termination-certificate']).default('contract') }),
          response: { 200: rawAnswer('the PDF; header x-content-sha256 is its SHA-256', 'application/pdf') },
        },
      },
      async (request, reply) => {
        const { pdf, number, sha256 } = await workerPortal.download(
          sessionHeader(request.headers),
          request.params.id,
          { ip: request.ip, userAgent: request.headers['user-agent'] },
          request.query.document,
        );
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${number}.pdf"`).header('x-content-sha256', sha256).send(Buffer.from(pdf));
      },
    );

    app.get(
      '/portal/accesses',
      {
        config: portalSession,
        schema: { tags, summary: 'Who has viewed my contracts: every official read, with office, purpose and case number', response: { 200: z.object({ items: z.array(accessView) }) } },
      },
      async (request) => ({
        items: await deps.officialAccess.accessesForPhoneIndex(await workerPortal.phoneOf(sessionHeader(request.headers))),
      }),
    );
  };
