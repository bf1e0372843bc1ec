/**
 * Verifying an uploaded PDF against the platform's trust anchors, status records and archive:
 * the signature report, whether the file is byte for byte an archived document, and which
 * version of an archived contract it is (found by the file's SHA-256 and by the SHA-256 of each
 * of its revisions), saying plainly when a later version exists.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { beijingDateTime } from '../domain/calendar.ts';
import { Problem } from '../problem.ts';
import type { Pki } from '../signing/pki/authority.ts';
import { VerificationLimitError, VerifierBusyError } from '../signing/verify/isolated.ts';
import { UnreadablePdfError, verifyPdf, type VerificationReport, type VerifyOptions } from '../signing/verify/verify.ts';
import { contractById } from './contract/access.ts';
import { signatureFieldLabel } from './contract/documents.ts';

/** The ETSI sub-indications a verdict may carry, for the answer's schema. */
export { subIndications } from '../signing/verify/report.ts';

export interface ArchivedMatch {
  contractId: string;
  contractNumber: string;
  kind: string;
  archivedAt: Date;
}

/** Where the file stands among the archived versions of its contract. */
export interface VersionMatch {
  contractId: string;
  contractNumber: string;
  /** The archived document the file is, or starts with. */
  matched: { kind: string; archivedAt: Date; sha256: string; wholeFile: boolean };
  /** The file is the contract's latest archived version. */
  latest: boolean;
  latestVersion: { kind: string; archivedAt: Date; sha256: string };
  contractStatus: string;
  messageZh: string;
}

/** Document kinds that are versions of the contract itself (not attachments, images or reports). */
const versionKinds = ['draft', 'sealed', 'signed'] as const;
const kindZh: Record<string, string> = { draft: '草稿', sealed: '单位已盖章、待劳动者签署', signed: '双方已签署' };
const statusZh: Record<string, string> = {
  draft: '草稿',
  sealed: '已盖章',
  sent: '已发送待签',
  signed: '已签署生效',
  declined: '劳动者已拒签',
  voided: '已作废',
  link_expired: '签署链接已过期',
  renewed: '已续订',
  changed: '已变更',
  terminated: '已解除或终止',
  expired: '已到期',
};

async function versionOf(db: Db, pdf: Uint8Array, sha256: string): Promise<VersionMatch | undefined> {
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const prefixes = new Map<string, number>([[sha256, pdf.length]]);
  // Each revision's end, with and without its end-of-line (writers differ).
  const ends = new Set([...source.toString('latin1').matchAll(/%%EOF(\r\n|\r|\n)?/g)].flatMap((m) => [m.index + 5, m.index + m[0].length]));
  for (const end of ends) if (end < pdf.length) prefixes.set(createHash('sha256').update(source.subarray(0, end)).digest('hex'), end);
  const found = await db.document.findMany({
    where: { sha256: { in: [...prefixes.keys()] }, contractId: { not: null }, kind: { in: [...versionKinds] } },
    orderBy: { createdAt: 'desc' },
  });
  // The longest archived prefix says most about the file.
  const best = found.sort((a, b) => (prefixes.get(b.sha256) ?? 0) - (prefixes.get(a.sha256) ?? 0))[0];
  if (!best?.contractId) return undefined;
  const contract = await contractById(db, best.contractId);
  const latest = await db.document.findFirstOrThrow({ where: { contractId: contract.id, kind: { in: [...versionKinds] } }, orderBy: { createdAt: 'desc' } });
  const wholeFile = best.sha256 === sha256;
  const isLatest = wholeFile && latest.id === best.id;
  const state = `${statusZh[contract.status] ?? contract.status}；最新版本：${kindZh[latest.kind] ?? latest.kind}，存档时间 ${beijingDateTime(latest.createdAt)}`;
  const messageZh = isLatest
    ? `此文件是合同 ${contract.number} 在本平台存档的最新版本。合同状态：${state}。`
    : wholeFile || latest.sha256 !== best.sha256
      ? `此文件不是该合同的最新版本：它是合同 ${contract.number} 的较早版本（${kindZh[best.kind] ?? best.kind}），之后还有更新的版本。合同当前状态：${state}。请以最新版本为准。`
      : `此文件以合同 ${contract.number} 的最新存档版本开头，但其后追加了本平台未存档的修改。合同当前状态：${state}。`;
  return {
    contractId: contract.id,
    contractNumber: contract.number,
    matched: { kind: best.kind, archivedAt: best.createdAt, sha256: best.sha256, wholeFile },
    latest: isLatest,
    latestVersion: { kind: latest.kind, archivedAt: latest.createdAt, sha256: latest.sha256 },
    contractStatus: contract.status,
    messageZh,
  };
}

/**
 * The platform's own answer about a certificate: its status store, and for the authorities it
 * runs on (issuing CAs, TSA, OCSP responders, imported or built in) "good" while it runs on them
 * (an operator replaces a revoked one), so a freshly sealed file is not left undetermined.
 */
function platformStatus(pki: Pki) {
  const own = new Set(
    [...pki.authorities.map((a) => a.certificate), pki.organisationCa.certificate, pki.individualCa.certificate, pki.tsa.certificate, ...pki.ocspResponders.map((r) => r.certificate)].map(
      (c) => `${c.serialHex}:${c.authorityKeyId ? Buffer.from(c.authorityKeyId).toString('hex') : ''}`,
    ),
  );
  return async (serial: string, issuerKeyId: string) => {
    const found = await pki.statusStore.status(serial, issuerKeyId);
    if (found.status === 'revoked') return { status: 'revoked' as const, revokedAt: found.revokedAt };
    if (found.status === 'unknown' && own.has(`${serial}:${issuerKeyId}`)) return { status: 'good' as const };
    return { status: found.status };
  };
}

/** Runs the verifier: in this thread for the platform's own archived files, in a budgeted thread (IsolatedVerifier) for uploads. */
export type PdfVerification = (pdf: Uint8Array, options: VerifyOptions) => Promise<VerificationReport>;

/** A verified upload: each signature also named in Chinese, and the archived version the file is, if any. */
export type UploadVerification = Omit<VerificationReport, 'signatures'> & {
  signatures: (VerificationReport['signatures'][number] & { fieldLabelZh: string })[];
  archived?: ArchivedMatch;
  version?: VersionMatch;
};

export async function verifyUpload(db: Db, pki: Pki, pdf: Uint8Array, verify: PdfVerification = verifyPdf): Promise<UploadVerification> {
  if (pdf.length < 8 || Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw Problem.badRequest([{ field: '(body)', in: 'body', rule: 'pdf', message: 'the body must be a PDF file', messageZh: '请上传 PDF 文件' }]);
  }
  let report: VerificationReport;
  try {
    report = await verify(pdf, {
      trustAnchors: pki.trustAnchors.map((anchor) => anchor.der),
      statusLookup: platformStatus(pki),
    });
  } catch (error) {
    if (error instanceof UnreadablePdfError) {
      throw new Problem(422, 'unreadable-pdf', 'Unreadable PDF', error.message, [{ field: '(body)', in: 'body', rule: 'pdf', message: error.message, messageZh: '无法读取该 PDF 文件' }]);
    }
    if (error instanceof VerificationLimitError) {
      const messageZh = error.limit === 'time' ? '该文件结构损坏或过于复杂，未能在规定时间内完成验证' : '该文件结构损坏或过于复杂，验证所需内存超出限制';
      throw new Problem(422, 'verification-limit', 'Verification limit reached', `${error.message}: the file is damaged or too complex to verify`, [
        { field: '(body)', in: 'body', rule: `verification-${error.limit}-limit`, message: error.message, messageZh },
      ]);
    }
    if (error instanceof VerifierBusyError) {
      throw new Problem(503, 'verifier-busy', 'Verifier busy', `${error.message}; try again shortly`, undefined, { messageZh: '验签服务繁忙，请稍后重试' });
    }
    throw error;
  }
  const document = await db.document.findFirst({ where: { sha256: report.sha256, contractId: { not: null } }, include: { contract: true }, orderBy: { createdAt: 'desc' } });
  const archived = document?.contract ? { contractId: document.contract.id, contractNumber: document.contract.number, kind: document.kind, archivedAt: document.createdAt } : undefined;
  const version = await versionOf(db, pdf, report.sha256);
  const signatures = report.signatures.map((s) => ({ ...s, fieldLabelZh: signatureFieldLabel(s.fieldName, s.kind) }));
  return { ...report, signatures, ...(archived ? { archived } : {}), ...(version ? { version } : {}) };
}
