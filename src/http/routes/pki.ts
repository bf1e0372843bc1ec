/**
 * Public PKI endpoints named in every certificate the platform issues (AIA, CRL distribution
 * points, OCSP), the RFC 3161 TSA, and the administrator's revocation action.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../problem.ts';
import type { Platform } from '../../runtime.ts';
import { revocationReasons } from '../../services/certificates.ts';
import { principalOf } from '../plugins/auth.ts';
import { rawAnswer } from '../schemas.ts';

const publicRoute = { resource: 'public' as const, rateLimit: false as const };

/** What the PKI routes call. */
export type PkiRouteDeps = Pick<Platform, 'certificates'>;

export const pkiRoutes =
  ({ certificates }: PkiRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/pki/ca/:file',
      {
        config: publicRoute,
        schema: {
          tags: ['pki'],
          summary: 'CA certificates (DER .cer or PEM .pem): root, organisations, individuals',
          params: z.object({ file: z.string().regex(/^[a-z]+\.(cer|pem)$/) }),
          response: { 200: rawAnswer('the certificate: DER for .cer, PEM for .pem', 'application/pkix-cert', 'application/x-pem-file') },
        },
      },
      async (request, reply) => {
        const [name, extension] = request.params.file.split('.') as [string, 'cer' | 'pem'];
        const certificate = certificates.caCertificate(name, extension);
        if (!certificate) throw Problem.notFound(`CA ${name}`);
        return reply.type(certificate.contentType).send(certificate.body);
      },
    );

    app.get(
      '/pki/crl/:file',
      {
        config: publicRoute,
        schema: {
          tags: ['pki'],
          summary: 'Current CRL of a platform CA',
          params: z.object({ file: z.string().regex(/^[a-z]+\.crl$/) }),
          response: { 200: rawAnswer('the CRL, DER', 'application/pkix-crl') },
        },
      },
      async (request, reply) => {
        const crl = await certificates.crl(request.params.file);
        if (!crl) throw Problem.notFound(`CRL ${request.params.file}`);
        return reply.type('application/pkix-crl').header('cache-control', 'max-age=300').send(crl);
      },
    );

    app.post(
      '/pki/ocsp',
      {
        config: publicRoute,
        schema: {
          tags: ['pki'],
          summary: 'OCSP responder (RFC 6960, application/ocsp-request)',
          consumes: ['application/ocsp-request'],
          response: { 200: rawAnswer('the OCSP response, DER', 'application/ocsp-response') },
        },
      },
      async (request, reply) => reply.type('application/ocsp-response').send(await certificates.ocspResponse(request.body as Buffer)),
    );

    app.post(
      '/tsa',
      {
        config: publicRoute,
        schema: {
          tags: ['pki'],
          summary: 'RFC 3161 time-stamping authority (application/timestamp-query)',
          consumes: ['application/timestamp-query'],
          response: { 200: rawAnswer('the TimeStampResp, DER (a rejection for a malformed query)', 'application/timestamp-reply') },
        },
      },
      async (request, reply) => {
        // Bytes of any shape get an RFC 3161 rejection; a parsed (JSON, form) body is the wrong media type.
        if (!Buffer.isBuffer(request.body)) throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send a DER TimeStampReq as application/timestamp-query.');
        return reply.type('application/timestamp-reply').send(certificates.timestampReply(request.body));
      },
    );

    app.post(
      '/api/v1/admin/certificates/:serial/revoke',
      {
        config: { resource: 'administration' },
        schema: {
          tags: ['admin'],
          summary: 'Revoke a certificate issued by the platform (e.g. an employer key compromise); CRLs and OCSP answer revoked at once',
          params: z.object({ serial: z.string().regex(/^[0-9a-fA-F]{2,64}$/, 'must be the certificate serial in hex') }),
          body: z.object({
            reason: z.enum(revocationReasons).default('unspecified'),
            revokedAt: z.iso
              .datetime({ offset: true })
              .refine((value) => new Date(value).getTime() <= Date.now() + 60_000, 'must not be in the future')
              .optional()
              .describe('since when the key is untrustworthy (default: now). Earlier for a key compromise: signatures timestamped after it become invalid, earlier ones stay valid'),
          }),
          response: { 200: z.object({ serial: z.string(), status: z.literal('revoked'), revokedAt: z.date(), reason: z.string() }) },
        },
      },
      async (request) => {
        const { reason, revokedAt } = request.body;
        return certificates.revoke(request.params.serial, reason, revokedAt ? new Date(revokedAt) : new Date(), { kind: 'admin', id: principalOf(request).principalId });
      },
    );
  };
