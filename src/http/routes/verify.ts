import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { verifyUpload } from '../../services/verification.ts';

const signatureReport = z.object({
  fieldName: z.string(),
  kind: z.enum(['signature', 'document-timestamp']),
  subFilter: z.string(),
  signer: z.object({ name: z.string(), subject: z.string(), serialHex: z.string(), issuer: z.string() }).optional(),
  signingTime: z.string().optional(),
  byteRange: z.array(z.number()),
  coversRevision: z.boolean(),
  coversWholeFile: z.boolean(),
  digestValid: z.boolean(),
  signatureValid: z.boolean(),
  chainTrusted: z.boolean(),
  chain: z.array(z.string()),
  timestamp: z.object({ time: z.string(), valid: z.boolean(), problems: z.array(z.string()) }).optional(),
  revocation: z.object({ status: z.enum(['good', 'revoked', 'unknown']), source: z.enum(['dss', 'lookup', 'none']), revokedAt: z.date().optional(), afterSignature: z.boolean().optional().describe('revoked after a trusted timestamp proved the signature: the signature stands') }),
  disallowedChanges: z.array(z.string()),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).optional(),
  valid: z.boolean(),
  problems: z.array(z.string()),
});

export const verifyReportSchema = z.object({
  valid: z.boolean(),
  sha256: z.string(),
  signatures: z.array(signatureReport),
  archived: z.object({ contractId: z.string(), contractNumber: z.string(), kind: z.string(), archivedAt: z.date() }).optional(),
});

export const verifyRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/verify',
      {
        config: { resource: 'public' },
        schema: {
          tags: ['verification'],
          summary: '验签: verify every signature and timestamp of a PDF (body: application/pdf); says whether it matches a document archived here',
          consumes: ['application/pdf'],
          response: { 200: verifyReportSchema },
        },
      },
      async (request) => verifyUpload(platform.db, platform.pki, request.body as Buffer),
    );
  };
