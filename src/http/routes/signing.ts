/**
 * The worker's signing API behind the link token (`/s/:token` is the page that calls it).
 * No API key: the token is the credential; every step is audited with IP and user agent.
 */
import { text } from '../../support/text.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { dayColumnView, rawAnswer } from '../schemas.ts';

const token = z.object({ token: z.string().min(20).max(100) });
const linkAccess = { resource: 'signing' as const };
/** Limits per link (and caller): tokens are unguessable, so the limit guards each link's codes and checks. */
const perLink = (max: number) => ({ max, timeWindow: '1 minute', keyGenerator: (request: { ip: string; params: unknown }) => `${request.ip}:${(request.params as { token?: string }).token ?? ''}` });
const tag = ['worker signing'];
const status = z.string().describe('the contract status (draft, sealed, sent, signed, declined, …)');
const linkView = z.object({
  contract: z.object({ number: z.string(), templateId: z.string(), status, employerName: z.string(), startDate: dayColumnView.nullable(), endDate: dayColumnView.nullable() }),
  worker: z.object({ maskedName: z.string() }),
  steps: z.object({ readToEnd: z.boolean(), identityVerified: z.boolean() }),
  confirmations: z.array(z.object({ key: z.string(), textZh: z.string(), article: z.string() })).describe('declarations the worker confirms apart when signing (`prepare`’s confirmations)'),
  expiresAt: z.date(),
  notice: z.string().describe('the pre-signing notice (签署前告知)'),
});
const codeSent = z.object({ codeSentTo: z.string().describe('the masked phone number, e.g. 138****0000') });

/** What the worker signing routes call. */
export type SigningRouteDeps = Pick<Platform, 'workerSigning'>;

export const signingRoutes =
  (deps: SigningRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { workerSigning } = deps;
    const context = (request: { ip: string; headers: Record<string, string | string[] | undefined> }) => ({ ip: request.ip, userAgent: request.headers['user-agent'] as string | undefined });

    app.get(
      '/signing/:token',
      {
        config: linkAccess,
        schema: { tags: tag, summary: 'Open a signing link: contract summary, steps done, declarations to confirm apart, pre-signing notice', params: token, response: { 200: linkView } },
      },
      async (request) => workerSigning.open(request.params.token, context(request)),
    );

    app.get(
      '/signing/:token/document.pdf',
      { config: linkAccess, schema: { tags: tag, summary: 'The sealed contract to read (free)', params: token, response: { 200: rawAnswer('the sealed contract', 'application/pdf') } } },
      async (request, reply) => {
        const pdf = await workerSigning.document(request.params.token, context(request));
        return reply
          .type('application/pdf')
          .header('cache-control', 'no-store')
          .header('content-disposition', `inline; filename="contract.pdf"; filename*=UTF-8''${encodeURIComponent('劳动合同.pdf')}`)
          .send(Buffer.from(pdf));
      },
    );

    app.post(
      '/signing/:token/read',
      { config: linkAccess, schema: { tags: tag, summary: 'Record that the worker scrolled to the end of the contract', params: token, response: { 200: z.object({ readToEnd: z.boolean() }) } } },
      async (request) => workerSigning.readToEnd(request.params.token, context(request)),
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
          response: { 200: codeSent.extend({ identityVerified: z.boolean() }) },
        },
      },
      async (request) => workerSigning.verifyIdentity(request.params.token, request.body, context(request)),
    );

    app.post(
      '/signing/:token/code',
      { config: { ...linkAccess, rateLimit: perLink(5) }, schema: { tags: tag, summary: 'Send another one-time code', params: token, response: { 200: codeSent } } },
      async (request) => workerSigning.resendCode(request.params.token, context(request)),
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
          response: {
            200: z.object({
              sessionId: z.string(),
              signedAttributes: z.string().describe('DER of the CMS signed attributes, base64: sign these with the private key'),
              certificate: z.string().describe('the event certificate issued for the public key, DER, base64'),
            }),
          },
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
          response: { 200: z.object({ status, document: z.object({ sha256: z.string(), size: z.number() }) }) },
        },
      },
      async (request) => workerSigning.complete(request.params.token, request.body, context(request)),
    );

    app.post(
      '/signing/:token/decline',
      {
        config: linkAccess,
        schema: {
          tags: tag,
          summary: 'Decline to sign, with a reason',
          params: token,
          body: z.object({ reason: text(500, { multiline: true, keepSpace: true }) }),
          response: { 200: z.object({ status }) },
        },
      },
      async (request) => workerSigning.decline(request.params.token, request.body, context(request)),
    );
  };
