import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { subIndications } from '../../services/verification.ts';

const modificationLevel = z.enum(['NONE', 'LTA_UPDATES', 'FORM_FILLING', 'ANNOTATIONS', 'OTHER']);
const indication = z.enum(['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE']).describe('ETSI EN 319 102-1 main indication');

const signatureReport = z.object({
  fieldName: z.string(),
  fieldLabelZh: z.string().describe('the signature in Chinese: 用人单位电子印章, 劳动者电子签名, 文档时间戳, … (else the field name)'),
  kind: z.enum(['signature', 'document-timestamp']),
  subFilter: z.string(),
  signer: z.object({ name: z.string(), subject: z.string(), serialHex: z.string(), issuer: z.string() }).optional(),
  signingTime: z.string().optional(),
  byteRange: z.array(z.number()),
  coversRevision: z.boolean(),
  coversWholeFile: z.boolean(),
  revisionsAfter: z.number().int().describe('revisions appended after the signed one'),
  digestValid: z.boolean(),
  signatureValid: z.boolean(),
  chainTrusted: z.boolean(),
  chain: z.array(z.string()),
  validationTime: z.string().optional().describe('the time the certificates were validated at: when the signature is proven to exist'),
  timestamp: z.object({ time: z.string(), valid: z.boolean(), problems: z.array(z.string()) }).optional(),
  revocation: z.object({
    status: z.enum(['good', 'revoked', 'unknown']),
    source: z.enum(['dss', 'lookup', 'none']),
    revokedAt: z.date().optional(),
    afterSignature: z.boolean().optional().describe('revoked after a trusted timestamp proved the signature: the signature stands'),
  }),
  modification: z.object({
    level: modificationLevel.describe('highest change after the signed revision (pyHanko levels); OTHER when a change is not allowed'),
    docMdp: z
      .union([z.literal(1), z.literal(2), z.literal(3)])
      .optional()
      .describe('DocMDP permission of a certification signature'),
    allowed: z.boolean(),
    changes: z.array(z.object({ object: z.number().int(), what: z.string(), level: modificationLevel, rule: z.string() })),
  }),
  disallowedChanges: z.array(z.string()),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).optional(),
  indication,
  subIndication: z.enum(subIndications as [string, ...string[]]).optional(),
  summaryZh: z.string().describe('the indication in Chinese'),
  valid: z.boolean(),
  problems: z.array(z.string()),
});

export const verifyReportSchema = z.object({
  valid: z.boolean(),
  indication,
  sha256: z.string(),
  revisions: z.number().int(),
  signatures: z.array(signatureReport),
  archived: z.object({ contractId: z.string(), contractNumber: z.string(), kind: z.string(), archivedAt: z.date() }).optional(),
  version: z
    .object({
      contractId: z.string(),
      contractNumber: z.string(),
      matched: z.object({ kind: z.string(), archivedAt: z.date(), sha256: z.string(), wholeFile: z.boolean() }),
      latest: z.boolean(),
      latestVersion: z.object({ kind: z.string(), archivedAt: z.date(), sha256: z.string() }),
      contractStatus: z.string(),
      messageZh: z.string(),
    })
    .optional()
    .describe('which archived version of a contract the file is (by its SHA-256 or a revision’s); says when a later version exists'),
});

/** What the verification route calls. */
export type VerifyRouteDeps = Pick<Platform, 'verifier'>;

export const verifyRoutes =
  (deps: VerifyRouteDeps): FastifyPluginAsyncZod =>
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
      async (request) => {
        // Only raw bytes reach the verifier; a JSON or form body is a wrong media type.
        if (!Buffer.isBuffer(request.body)) {
          throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the PDF as application/pdf.', [
            { field: 'content-type', in: 'headers', rule: 'pdf', message: 'must be application/pdf', messageZh: '请以 application/pdf 上传 PDF 文件' },
          ]);
        }
        return deps.verifier.verifyUpload(request.body);
      },
    );
  };
