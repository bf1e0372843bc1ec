/** Verifying an uploaded PDF against the platform's trust anchors, status records and archive. */
import type { Db } from '../db/client.ts';
import { Problem } from '../problem.ts';
import type { Pki } from '../signing/pki/authority.ts';
import { UnreadablePdfError, verifyPdf, type VerificationReport } from '../signing/verify/verify.ts';

export interface ArchivedMatch {
  contractId: string;
  contractNumber: string;
  kind: string;
  archivedAt: Date;
}

export async function verifyUpload(db: Db, pki: Pki, pdf: Uint8Array): Promise<VerificationReport & { archived?: ArchivedMatch }> {
  if (pdf.length < 8 || Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw Problem.badRequest([{ field: '(body)', in: 'body', rule: 'pdf', message: 'the body must be a PDF file', messageZh: '请上传 PDF 文件' }]);
  }
  let report: VerificationReport;
  try {
    report = await verifyPdf(pdf, {
      trustAnchors: pki.trustAnchors.map((anchor) => anchor.der),
      statusLookup: async (serial) => {
        const found = await pki.statusStore.status(serial);
        return found.status === 'revoked' ? { status: 'revoked', revokedAt: found.revokedAt } : { status: found.status };
      },
    });
  } catch (error) {
    if (error instanceof UnreadablePdfError) {
      throw new Problem(422, 'unreadable-pdf', 'Unreadable PDF', error.message, [{ field: '(body)', in: 'body', rule: 'pdf', message: error.message, messageZh: '无法读取该 PDF 文件' }]);
    }
    throw error;
  }
  const document = await db.document.findFirst({ where: { sha256: report.sha256, contractId: { not: null } }, include: { contract: true }, orderBy: { createdAt: 'desc' } });
  const archived = document?.contract
    ? { contractId: document.contract.id, contractNumber: document.contract.number, kind: document.kind, archivedAt: document.createdAt }
    : undefined;
  return { ...report, ...(archived ? { archived } : {}) };
}
