/**
 * Public PKI endpoints named in every certificate the platform issues (AIA, CRL distribution
 * points, OCSP), the RFC 3161 TSA, and the administrator's revocation action.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../problem.ts';
import type { Platform } from '../../runtime.ts';
import { appendAudit, platformChain } from '../../services/audit.ts';
import { RevocationReasonCode, type RevocationReason } from '../../signing/pki/status-store.ts';
import { issueCrl } from '../../signing/revocation/crl.ts';
import { pemEncode } from '../../signing/asn1/der.ts';
import { principalOf } from '../plugins/auth.ts';

const publicRoute = { resource: 'public' as const, rateLimit: false as const };

export const pkiRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    const { pki } = platform;
    const certificateByName = (name: string) => {
      if (name === 'root') return pki.root.der;
      return pki.authorities.find((ca) => ca.name === name)?.certificate.der;
    };

    app.get(
      '/pki/ca/:file',
      { config: publicRoute, schema: { tags: ['pki'], summary: 'CA certificates (DER .cer or PEM .pem): root, organisations, individuals', params: z.object({ file: z.string().regex(/^[a-z]+\.(cer|pem)$/) }) } },
      async (request, reply) => {
        const [name, extension] = request.params.file.split('.') as [string, string];
        const der = certificateByName(name);
        if (!der) throw Problem.notFound(`CA ${name}`);
        return extension === 'pem'
          ? reply.type('application/x-pem-file').send(pemEncode(der, 'CERTIFICATE'))
          : reply.type('application/pkix-cert').send(Buffer.from(der));
      },
    );

    app.get(
      '/pki/crl/:file',
      { config: publicRoute, schema: { tags: ['pki'], summary: 'Current CRL of a platform CA', params: z.object({ file: z.string().regex(/^[a-z]+\.crl$/) }) } },
      async (request, reply) => {
        const ca = pki.authorities.find((candidate) => `${candidate.name}.crl` === request.params.file);
        if (!ca) throw Problem.notFound(`CRL ${request.params.file}`);
        return reply.type('application/pkix-crl').header('cache-control', 'max-age=300').send(Buffer.from(await issueCrl(ca, pki.statusStore)));
      },
    );

    app.post(
      '/pki/ocsp',
      { config: publicRoute, schema: { tags: ['pki'], summary: 'OCSP responder (RFC 6960, application/ocsp-request)', consumes: ['application/ocsp-request'] } },
      async (request, reply) => reply.type('application/ocsp-response').send(Buffer.from(await platform.ocsp(request.body as Buffer))),
    );

    app.post(
      '/tsa',
      { config: publicRoute, schema: { tags: ['pki'], summary: 'RFC 3161 time-stamping authority (application/timestamp-query)', consumes: ['application/timestamp-query'] } },
      async (request, reply) => {
        // Bytes of any shape get an RFC 3161 rejection; a parsed (JSON, form) body is the wrong media type.
        if (!Buffer.isBuffer(request.body)) throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send a DER TimeStampReq as application/timestamp-query.');
        return reply.type('application/timestamp-reply').send(Buffer.from(platform.tsaAuthority.respond(request.body)));
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
            reason: z.enum(Object.keys(RevocationReasonCode) as [RevocationReason, ...RevocationReason[]]).default('unspecified'),
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
        const serial = request.params.serial.toLowerCase();
        if ((await pki.statusStore.status(serial)).status === 'unknown') throw Problem.notFound(`Certificate ${serial}`);
        await pki.statusStore.revoke(serial, request.body.reason, request.body.revokedAt ? new Date(request.body.revokedAt) : new Date());
        const status = await pki.statusStore.status(serial);
        if (status.status !== 'revoked') throw new Error('revocation did not take effect');
        await platform.db.$transaction((tx) =>
          appendAudit(tx, { chain: platformChain, type: 'certificate.revoked', actor: { kind: 'admin', id: principalOf(request).principalId }, data: { serial, reason: status.reason, revokedAt: status.revokedAt.toISOString() } }),
        );
        return { serial, status: 'revoked' as const, revokedAt: status.revokedAt, reason: status.reason };
      },
    );
  };
