/**
 * The worker's signing API behind the link token (`/s/:token` is the page that calls it).
 * No API key: the token is the credential; every step is audited with IP and user agent.
 */
import { text } from '../../support/text.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';

const token = z.object({ token: z.string().min(20).max(100) });
const linkAccess = { resource: 'signing' as const };
/** Limits per link (and caller): tokens are unguessable, so the limit guards each link's codes and checks. */
const perLink = (max: number) => ({ max, timeWindow: '1 minute', keyGenerator: (request: { ip: string; params: unknown }) => `${request.ip}:${(request.params as { token?: string }).token ?? ''}` });
const tag = ['worker signing'];

/** What the worker signing routes call. */
export type SigningRouteDeps = Pick<Platform, 'workerSigning'>;

export const signingRoutes =
  (deps: SigningRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { workerSigning } = deps;
    const context = (request: { ip: string; headers: Record<string, string | string[] | undefined> }) => ({ ip: request.ip, userAgent: request.headers['user-agent'] as string | undefined });

    app.get(
      '/signing/:token',
      { config: linkAccess, schema: { tags: tag, summary: 'Open a signing link: contract summary, steps done, declarations to confirm apart, pre-signing notice', params: token } },
      async (request) => workerSigning.open(request.params.token, context(request)),
    );

    app.get('/signing/:token/document.pdf', { config: linkAccess, schema: { tags: tag, summary: 'The sealed contract to read (free)', params: token } }, async (request, reply) => {
      const pdf = await workerSigning.document(request.params.token, context(request));
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `inline; filename="contract.pdf"; filename*=UTF-8''${encodeURIComponent('劳动合同.pdf')}`)
        .send(Buffer.from(pdf));
    });

    app.post('/signing/:token/read', { config: linkAccess, schema: { tags: tag, summary: 'Record that the worker scrolled to the end of the contract', params: token } }, async (request) =>
      workerSigning.readToEnd(request.params.token, context(request)),
    );

    app.post(
      '/signing/:token/identity',
      {
        config: { ...linkAccess, rateLimit: perLink(10) },
        schema: {
          tags: tag,
          summary: 'Check name and ID number against the contract; texts a one-time code',
          params: token,
          body: z.object({ name: text(50, { min: 1, keepSpace: true }), idNumber: text(18, { min: 15, keepSpace: true }) }),
        },
      },
      async (request) => workerSigning.verifyIdentity(request.params.token, request.body, context(request)),
    );

    app.post('/signing/:token/code', { config: { ...linkAccess, rateLimit: perLink(5) }, schema: { tags: tag, summary: 'Send another one-time code', params: token } }, async (request) =>
      workerSigning.resendCode(request.params.token, context(request)),
    );

    app.post(
      '/signing/:token/prepare',
      {
        config: { ...linkAccess, rateLimit: perLink(10) },
        schema: {
          tags: tag,
          summary: 'Phase 1: code + intent + the browser’s public key → event certificate and the signed attributes to sign',
          params: token,
          body: z.object({
            code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code'),
            publicKey: z.string().min(80).max(400).describe('ECDSA P-256 public key, SPKI DER, base64'),
            signatureImage: z.string().max(700_000).describe('the handwritten signature, PNG data URL'),
            intent: z.boolean().describe('the worker ticked “我已阅读并同意签署本合同”'),
            confirmations: z
              .array(z.enum(['fixed_term_requested']))
              .max(10)
              .optional()
              .describe('the declarations the link’s `confirmations` lists, each ticked by the worker apart (劳动合同法 第十四条: a fixed term at the worker’s own request)'),
          }),
        },
      },
      async (request) => workerSigning.prepare(request.params.token, request.body, context(request)),
    );

    app.post(
      '/signing/:token/complete',
      {
        config: linkAccess,
        schema: {
          tags: tag,
          summary: 'Phase 2: the browser’s signature over the signed attributes completes the contract',
          params: token,
          body: z.object({ sessionId: z.uuid(), signature: z.string().min(80).max(200).describe('ECDSA signature, base64 (raw r||s or DER)') }),
        },
      },
      async (request) => workerSigning.complete(request.params.token, request.body, context(request)),
    );

    app.post(
      '/signing/:token/decline',
      { config: linkAccess, schema: { tags: tag, summary: 'Decline to sign, with a reason', params: token, body: z.object({ reason: text(500, { multiline: true, keepSpace: true }) }) } },
      async (request) => workerSigning.decline(request.params.token, request.body, context(request)),
    );
  };
