/**
 * The worker's side of a contract: the signing link sent by SMS, the checks before signing
 * (read to the end, identity, one-time code, explicit intent) and the two-phase signature
 * whose key never leaves the worker's browser. The service prepares the PDF revision and the
 * CMS signed attributes; the browser signs them with its WebCrypto key; the service checks
 * that signature, adds the RFC 3161 timestamp, validation data (B-LT) and a document
 * timestamp (B-LTA), archives the result and records it in one transaction.
 * Messages for the worker are in Chinese.
 */
import { createHmac, createPublicKey, randomBytes } from 'node:crypto';
import type { Db, DbTx } from '../db/client.ts';
import { parseResidentId } from '../domain/identity.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { SignatureSlot } from '../pdf/layout.ts';
import { Problem, type FieldProblem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { ecdsaRawToDer } from '../signing/asn1/ecdsa.ts';
import { imageAppearance } from '../signing/appearance/appearances.ts';
import { checkImage } from '../signing/appearance/image-header.ts';
import type { GlyphOutliner } from '../signing/appearance/outlines.ts';
import { assembleSignedData, buildSignedAttributes, signatureTimestampAttribute } from '../signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss } from '../signing/pades/ltv.ts';
import { embedSignature, prepareSignature, signedBytes, type PreparedSignature } from '../signing/pades/signature.ts';
import { collectValidationMaterial } from '../signing/pades/validation-material.ts';
import type { Pki } from '../signing/pki/authority.ts';
import { algorithmOfKey, verifyWithKey } from '../signing/pki/keys.ts';
import { parseCertificate } from '../signing/pki/certificate.ts';
import type { OcspResponder } from '../signing/revocation/ocsp.ts';
import type { TimestampClient } from '../signing/types.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import { appendAudit, type Actor } from './audit.ts';
import { attachmentKinds, type TemplateCatalog } from './contracts.ts';
import type { OneTimeCodes } from './one-time-codes.ts';
import { latestDocument, removeUnrecorded, requireTransition, sealedWithoutField, signatureFieldName, type SealingService } from './sealing.ts';
import { hashToken, newToken } from './tokens.ts';
import { readWorker } from './workers.ts';
import { createHash } from 'node:crypto';
import { shanghaiDate } from '../domain/calendar.ts';
import { employerReader, loadContract } from './contract-access.ts';

/** A worker's name on a Signature row is a ciphertext bound to this column (names-at-rest.ts). */
export const workerSignerNameColumn = 'Signature.signerName';

/** The worker's field, which the seal created empty over the template's worker signature area. */
const workerFieldName = signatureFieldName({ role: 'worker', mode: 'sign' });

export const linkPolicy = { maxFailures: 5, sessionTtlMs: 10 * 60_000, eventCertificateMinutes: 30 } as const;
const signingCodePurpose = 'signing';

export interface WorkerSigningDeps {
  db: Db;
  archive: ObjectArchive;
  crypto: FieldCrypto;
  outbox: Outbox;
  codes: OneTimeCodes;
  pki: Pki;
  ocsp: OcspResponder;
  timestamps: TimestampClient;
  outliner: () => GlyphOutliner;
  publicBaseUrl: string;
  templates: TemplateCatalog;
  linkTtlHours: number;
  sealing: SealingService;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

/** A problem shown to the worker: Chinese title and detail, the field and rule named. */
function workerProblem(status: number, slug: string, titleZh: string, errors: FieldProblem[] = []): Problem {
  return new Problem(status, slug, titleZh, errors[0]?.messageZh ?? titleZh, errors);
}

const workerActor = (linkId: string): Actor => ({ kind: 'worker', id: linkId });

export const preSigningNotice = [
  '签署前请仔细阅读：',
  '1. 本合同为电子劳动合同，与纸质劳动合同具有同等法律效力。',
  '2. 签署流程：阅读合同全文 → 核验姓名和身份证号码 → 输入短信验证码 → 手写签名 → 确认签署意愿 → 完成签署。',
  '3. 您的签名密钥只在您的手机浏览器中生成和使用，不会离开您的设备。',
  '4. 签署后，您可随时在“我的合同”（/w）用手机号和验证码免费查看、下载本合同。',
  '5. 本平台对劳动者查看、下载合同不收取任何费用。如对合同内容有疑问，请先与用人单位沟通，您也可以拒绝签署并说明理由。',
].join('\n');

function mask(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

export class WorkerSigningService {
  constructor(private readonly deps: WorkerSigningDeps) {}

  signingUrl(token: string): string {
    return `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/s/${token}`;
  }

  /** A new signing link for a contract: the token (only ever in the SMS), its hash, expiry and the SMS. */
  invitation(employerName: string, worker: { name: string; phone: string }, contractNumber: string) {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.deps.linkTtlHours * 3_600_000);
    const message = {
      channel: 'sms' as const,
      kind: 'signing-link',
      to: worker.phone,
      text: `【劳签】${worker.name}您好，${employerName}邀请您签署电子劳动合同（编号${contractNumber}）。请在${shanghaiDate(expiresAt)}前打开链接阅读并签署：${this.signingUrl(token)} 查看和下载合同免费。如非本人请忽略。`,
    };
    return { tokenHash: hashToken(token), expiresAt, message };
  }

  /** Sends (or resends) the signing link to the worker; a new link replaces any earlier one. */
  async send(organisation: Organisation, contractId: string, context: RequestContext & { actor: Actor }) {
    const { db, crypto, outbox } = this.deps;
    const contract = await loadContract(db, employerReader(organisation), contractId, 'contract.manage', { include: { worker: true } });
    const event = contract.status === 'sealed' ? 'send' : 'resend';
    const next = requireTransition(contract.status, event);
    const worker = readWorker(crypto, contract.worker);
    if (!worker.phone) throw Problem.conflict('The worker has no phone number to send the link to.', [{ field: 'worker.phone', rule: 'required', message: 'no phone number' }]);
    const invitation = this.invitation(organisation.name, { name: worker.name, phone: worker.phone }, contract.number);
    const { expiresAt } = invitation;
    await db.$transaction(async (tx) => {
      const updated = await tx.contract.updateMany({ where: { id: contract.id, revision: contract.revision }, data: { status: next, revision: { increment: 1 } } });
      if (updated.count !== 1) throw Problem.conflict('The contract changed meanwhile; try again.');
      await tx.signingLink.updateMany({ where: { contractId: contract.id, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
      const link = await tx.signingLink.create({ data: { contractId: contract.id, tokenHash: invitation.tokenHash, expiresAt } });
      await outbox.enqueue(tx, invitation.message);
      await appendAudit(tx, { chain: contract.id, contractId: contract.id, type: event === 'send' ? 'contract.sent' : 'contract.resent', actor: context.actor, ip: context.ip, userAgent: context.userAgent, data: { linkId: link.id, expiresAt: expiresAt.toISOString() } });
    });
    return { status: next, expiresAt };
  }

  /** The link behind a token, refused when unknown, used, revoked, locked or expired. */
  private async link(token: string) {
    const link = await this.deps.db.signingLink.findUnique({ where: { tokenHash: hashToken(token) }, include: { contract: { include: { worker: true, employer: true } } } });
    if (!link || link.revokedAt) throw workerProblem(404, 'link-not-found', '签署链接无效', [{ field: 'token', in: 'path', rule: 'exists', message: 'unknown or replaced link', messageZh: '签署链接无效或已被新的链接取代，请使用最新收到的短信链接' }]);
    if (link.usedAt) throw workerProblem(410, 'link-used', '签署链接已使用', [{ field: 'token', in: 'path', rule: 'unused', message: 'the link was already used', messageZh: '该合同已通过此链接完成签署或已拒签，链接不能再次使用；请到“我的合同”查看' }]);
    if (link.lockedAt) throw workerProblem(423, 'link-locked', '签署链接已锁定', [{ field: 'token', in: 'path', rule: 'not_locked', message: 'too many failed attempts', messageZh: '验证失败次数过多，链接已锁定，请联系用人单位重新发送' }]);
    if (link.expiresAt <= new Date()) throw workerProblem(410, 'link-expired', '签署链接已过期', [{ field: 'token', in: 'path', rule: 'not_expired', message: 'the link expired', messageZh: '签署链接已过期，请联系用人单位重新发送' }]);
    return link;
  }

  private async audit(tx: DbTx, link: { id: string; contractId: string }, type: string, context: RequestContext, data: Record<string, unknown> = {}) {
    await appendAudit(tx, { chain: link.contractId, contractId: link.contractId, type, actor: workerActor(link.id), ip: context.ip, userAgent: context.userAgent, data });
  }

  /** What the worker's page shows on opening the link. */
  async open(token: string, context: RequestContext) {
    const link = await this.link(token);
    const contract = link.contract;
    await this.deps.db.$transaction((tx) => this.audit(tx, link, 'link.opened', context));
    const worker = readWorker(this.deps.crypto, contract.worker);
    return {
      contract: { number: contract.number, templateId: contract.templateId, status: contract.status, employerName: contract.employer.name, startDate: contract.startDate, endDate: contract.endDate },
      worker: { maskedName: mask(worker.name) },
      steps: { readToEnd: link.readToEndAt !== null, identityVerified: link.identityVerifiedAt !== null },
      expiresAt: link.expiresAt,
      notice: preSigningNotice,
    };
  }

  async document(token: string, context: RequestContext): Promise<Uint8Array> {
    const link = await this.link(token);
    const document = await latestDocument(this.deps.db, link.contractId);
    const pdf = await this.deps.archive.read(document);
    await this.deps.db.$transaction((tx) => this.audit(tx, link, 'document.viewed', context, { documentSha256: document.sha256 }));
    return pdf;
  }

  async readToEnd(token: string, context: RequestContext) {
    const link = await this.link(token);
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { readToEndAt: link.readToEndAt ?? new Date() } });
      await this.audit(tx, link, 'document.read_to_end', context);
    });
    return { readToEnd: true };
  }

  /** Counts a failed check; the fifth locks the link. */
  private async fail(link: { id: string; contractId: string; failedAttempts: number }, type: string, context: RequestContext, data: Record<string, unknown>) {
    const failures = link.failedAttempts + 1;
    const locked = failures >= linkPolicy.maxFailures;
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { failedAttempts: failures, ...(locked ? { lockedAt: new Date() } : {}) } });
      await this.audit(tx, link, type, context, { ...data, failures, locked });
    });
    return { locked, attemptsLeft: Math.max(0, linkPolicy.maxFailures - failures) };
  }

  /** Checks name and ID number against the contract, then texts a one-time code. */
  async verifyIdentity(token: string, input: { name: string; idNumber: string }, context: RequestContext) {
    const link = await this.link(token);
    if (!link.readToEndAt) throw workerProblem(409, 'not-read', '请先阅读合同全文', [{ field: 'readToEnd', rule: 'required_first', message: 'read the contract to the end first', messageZh: '请先完整阅读合同至最后一页' }]);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    const idOk = input.idNumber.trim().toUpperCase() === worker.idNumber.toUpperCase();
    const nameOk = input.name.trim() === worker.name;
    if (!idOk || !nameOk) {
      const { locked, attemptsLeft } = await this.fail(link, 'identity.failed', context, { nameMatches: nameOk, idNumberMatches: idOk });
      const parsed = parseResidentId(input.idNumber.trim().toUpperCase());
      const field = !parsed.ok ? 'idNumber' : !idOk ? 'idNumber' : 'name';
      const messageZh = !parsed.ok ? `身份证号码格式不正确：${parsed.reasonZh}` : `姓名或身份证号码与合同不一致，还可尝试${attemptsLeft}次`;
      throw workerProblem(locked ? 423 : 422, locked ? 'link-locked' : 'identity-mismatch', locked ? '签署链接已锁定' : '身份核验未通过', [{ field, rule: 'matches_contract', message: 'does not match the contract', messageZh: locked ? '验证失败次数过多，链接已锁定，请联系用人单位重新发送' : messageZh }]);
    }
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { identityVerifiedAt: new Date() } });
      await this.audit(tx, link, 'identity.verified', context);
      await this.textCode(tx, link, worker.phone!, context);
    });
    return { identityVerified: true, codeSentTo: maskPhone(worker.phone!) };
  }

  private async textCode(tx: DbTx, link: { id: string; contractId: string; contract: { number: string } }, phone: string, context: RequestContext) {
    const code = await this.deps.codes.issue(tx, signingCodePurpose, link.id);
    await this.deps.outbox.enqueue(tx, { channel: 'sms', kind: 'signing-code', to: phone, text: `【劳签】您正在签署电子劳动合同（编号${link.contract.number}），验证码${code}，5分钟内有效。请勿告诉他人。` });
    await this.audit(tx, link, 'code.sent', context);
  }

  async resendCode(token: string, context: RequestContext) {
    const link = await this.link(token);
    if (!link.identityVerifiedAt) throw workerProblem(409, 'identity-first', '请先核验身份', [{ field: 'identity', rule: 'required_first', message: 'verify identity first', messageZh: '请先核验姓名和身份证号码' }]);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    await this.deps.db.$transaction((tx) => this.textCode(tx, link, worker.phone!, context));
    return { codeSentTo: maskPhone(worker.phone!) };
  }

  /**
   * Phase one: checks code and intent, certifies the browser's public key (an event
   * certificate naming the worker), prepares the PDF revision and returns the DER signed
   * attributes the browser must sign.
   */
  async prepare(token: string, input: { code: string; publicKey: string; signatureImage: string; intent: boolean }, context: RequestContext) {
    const { db, pki } = this.deps;
    const link = await this.link(token);
    if (!link.readToEndAt || !link.identityVerifiedAt) throw workerProblem(409, 'steps-missing', '请先完成阅读和身份核验', [{ field: 'identity', rule: 'required_first', message: 'read the contract and verify identity first', messageZh: '请先阅读合同全文并核验身份' }]);
    if (input.intent !== true) throw workerProblem(422, 'intent-required', '请确认签署意愿', [{ field: 'intent', rule: 'must_be_true', message: 'explicit intent is required', messageZh: '请勾选“我已阅读并同意签署本合同”' }]);
    requireTransition(link.contract.status, 'sign');

    const check = await db.$transaction(async (tx) => {
      const result = await this.deps.codes.verify(tx, signingCodePurpose, link.id, input.code);
      if (result.ok) await this.audit(tx, link, 'code.verified', context);
      return result;
    });
    if (!check.ok) {
      const { locked } = check.reason === 'wrong' || check.reason === 'exhausted' ? await this.fail(link, 'code.failed', context, { reason: check.reason }) : { locked: false };
      const exhausted = locked || check.reason === 'exhausted';
      const messageZh = exhausted ? '验证码错误次数过多，链接已锁定，请联系用人单位重新发送' : check.reason === 'expired' ? '验证码已过期，请重新获取' : check.reason === 'none' ? '请先获取验证码' : `验证码错误，还可尝试${check.attemptsLeft}次`;
      if (exhausted && !locked) await db.signingLink.update({ where: { id: link.id }, data: { lockedAt: new Date() } });
      throw workerProblem(exhausted ? 423 : 422, exhausted ? 'link-locked' : 'code-invalid', exhausted ? '签署链接已锁定' : '验证码不正确', [{ field: 'code', rule: check.reason, message: `code ${check.reason}`, messageZh }]);
    }

    let publicKey;
    try {
      publicKey = createPublicKey({ key: Buffer.from(input.publicKey, 'base64'), format: 'der', type: 'spki' });
      if (algorithmOfKey(publicKey) !== 'ecdsa-p256-sha256') throw new Error('not P-256');
    } catch {
      throw workerProblem(400, 'bad-key', '签名密钥无效', [{ field: 'publicKey', rule: 'spki_p256', message: 'an ECDSA P-256 public key (SPKI DER, base64) is required', messageZh: '浏览器生成的签名密钥无效，请更换浏览器重试' }]);
    }
    const image = decodeImage(input.signatureImage);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    const idHash = createHmac('sha256', 'laborsign worker certificate').update(worker.idNumber).digest('hex').slice(0, 32);
    const certificate = await pki.issueEventCertificate({ name: worker.name, idNumberHash: idHash, publicKey, validityMinutes: linkPolicy.eventCertificateMinutes });

    // The seal made the worker's field, empty; a contract sealed before it did is sealed again first.
    const { document, pdf } = await this.deps.sealing.documentToFill(link.contractId, workerFieldName, { kind: 'system' });
    const slot = ((document.signatureSlots as SignatureSlot[] | null) ?? []).find((s) => s.mode === 'sign' && s.role === 'worker');
    const prepared = await prepareSignature(pdf, {
      fieldName: workerFieldName,
      page: slot?.page ?? 0,
      rect: slot?.rect ?? [0, 0, 0, 0],
      appearance: imageAppearance(this.deps.outliner(), image, `${worker.name} ${shanghaiDate()}`),
      signingTime: new Date(),
      name: worker.name,
      reason: '乙方签名 / Worker signature',
    });
    const signedAttributes = buildSignedAttributes({ documentDigest: prepared.digest, signerCertificate: certificate.certificate });
    const session = await db.$transaction(async (tx) => {
      const created = await tx.signingSession.create({
        data: {
          linkId: link.id,
          preparedPdf: new Uint8Array(prepared.pdf),
          byteRange: [...prepared.byteRange],
          signedAttributes: new Uint8Array(signedAttributes),
          certificateSerial: certificate.serialHex.toLowerCase(),
          expiresAt: new Date(Date.now() + linkPolicy.sessionTtlMs),
        },
      });
      await this.audit(tx, link, 'signature.prepared', context, { sessionId: created.id, certificateSerial: certificate.serialHex.toLowerCase(), baseDocumentSha256: document.sha256, intent: true });
      return created;
    });
    return { sessionId: session.id, signedAttributes: Buffer.from(signedAttributes).toString('base64'), certificate: Buffer.from(certificate.certificate).toString('base64') };
  }

  /** Phase two: the browser's signature over the signed attributes completes the contract. */
  async complete(token: string, input: { sessionId: string; signature: string }, context: RequestContext) {
    const { db, pki, archive, timestamps } = this.deps;
    const link = await this.link(token);
    const session = await db.signingSession.findUnique({ where: { id: input.sessionId } });
    if (!session || session.linkId !== link.id || session.completedAt || session.expiresAt <= new Date()) {
      throw workerProblem(409, 'session-invalid', '签署会话已失效', [{ field: 'sessionId', rule: 'active_session', message: 'unknown, completed or expired signing session', messageZh: '签署会话已失效，请重新签署' }]);
    }
    // A session prepared on another version than the latest, or on a seal that did not make the
    // worker's field (prepared before that upgrade), would not pass strict validators: prepare again.
    const base = await latestDocument(db, link.contractId);
    const basePdf = session.preparedPdf.subarray(0, base.size);
    if (createHash('sha256').update(basePdf).digest('hex') !== base.sha256 || (base.kind === 'sealed' && (await sealedWithoutField(basePdf, (base.signatureSlots as SignatureSlot[] | null) ?? [], workerFieldName)))) {
      throw workerProblem(409, 'session-invalid', '签署会话已失效', [{ field: 'sessionId', rule: 'current_document', message: 'the session was prepared on a version of the contract that is no longer current', messageZh: '合同文件已更新，请重新签署' }]);
    }
    const certificateRow = await db.certificate.findUniqueOrThrow({ where: { serial: session.certificateSerial } });
    const certificate = parseCertificate(certificateRow.der);
    let signatureValue: Uint8Array = new Uint8Array(Buffer.from(input.signature, 'base64'));
    if (signatureValue.length === 64) signatureValue = ecdsaRawToDer(signatureValue); // WebCrypto gives r||s
    const signedAttributes = new Uint8Array(session.signedAttributes);
    if (!verifyWithKey(certificate.publicKey, '1.2.840.10045.4.3.2', signedAttributes, signatureValue)) {
      throw workerProblem(422, 'signature-invalid', '签名校验失败', [{ field: 'signature', rule: 'verifies', message: 'the signature does not verify with the certified key', messageZh: '签名校验失败，请重新签署' }]);
    }
    const unsigned = [await signatureTimestampAttribute(signatureValue, timestamps)];
    const cms = assembleSignedData({ signedAttributes, signatureValue, algorithm: 'ecdsa-p256-sha256', chain: [certificateRow.der, pki.individualCa.certificate.der], unsignedAttributes: unsigned });
    const prepared = restorePrepared(session.preparedPdf, session.byteRange);
    const signed = embedSignature(prepared, cms);
    // Long-term validation: certificates and revocation data in a DSS, then a document timestamp.
    const { material, contents, missing } = await collectValidationMaterial(signed, pki, this.deps.ocsp);
    const final = await addDocumentTimestamp(await addDss(signed, material, contents), timestamps, 'document-timestamp-1');
    const stored = await archive.put(final, { contentType: 'application/pdf' });
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    const signingTime = new Date();

    const status = await db.$transaction(async (tx) => {
      const contract = await tx.contract.findUniqueOrThrow({ where: { id: link.contractId } });
      const next = requireTransition(contract.status, 'sign');
      const claimed = await tx.signingSession.updateMany({ where: { id: session.id, completedAt: null }, data: { completedAt: signingTime } });
      if (claimed.count !== 1) throw workerProblem(409, 'session-invalid', '签署会话已失效');
      await tx.contract.update({ where: { id: contract.id, revision: contract.revision }, data: { status: next, effectiveAt: signingTime, revision: { increment: 1 } } });
      const previous = await latestDocument(tx as unknown as Db, contract.id);
      const document = await tx.document.create({
        data: { contractId: contract.id, kind: 'signed', objectKey: stored.key, versionId: stored.versionId, sha256: stored.sha256, size: stored.size, contentType: 'application/pdf', signatureSlots: previous.signatureSlots ?? undefined },
      });
      await tx.signature.create({
        data: { contractId: contract.id, documentId: document.id, role: 'worker', fieldName: workerFieldName, signerName: this.deps.crypto.encryptText(worker.name, workerSignerNameColumn), certificateSerial: session.certificateSerial, signedAt: signingTime, timestampAt: signingTime },
      });
      await tx.signingLink.update({ where: { id: link.id }, data: { usedAt: signingTime } });
      await this.audit(tx, link, 'contract.signed', context, { documentSha256: stored.sha256, certificateSerial: session.certificateSerial, level: missing.length ? 'B-T' : 'B-LTA', ...(missing.length ? { validationDataMissing: missing } : {}) });
      if (contract.previousId) await this.amendPrevious(tx, contract, link.id, stored.sha256, context);
      await this.notifyCompletion(tx, link.contract, worker.phone!, worker.name);
      return next;
    }).catch(async (error: unknown) => {
      // Nothing was recorded: the signed file goes too, so no half-signed document is left behind.
      await removeUnrecorded(db, archive, [stored.key]).catch(() => undefined);
      throw error;
    });
    return { status, document: { sha256: stored.sha256, size: stored.size } };
  }

  /** A signed 续订书 or 变更书 renews or changes the contract it belongs to. */
  private async amendPrevious(tx: DbTx, attachment: { id: string; previousId: string | null; templateId: string; templateVersion: string; endDate: Date | null }, linkId: string, sha256: string, context: RequestContext) {
    const kind = this.deps.templates.get(attachment.templateId, attachment.templateVersion)?.kind;
    const event = attachmentKinds[kind as keyof typeof attachmentKinds];
    if (!event || !attachment.previousId) return;
    const previous = await tx.contract.findUniqueOrThrow({ where: { id: attachment.previousId } });
    const after = requireTransition(previous.status, event);
    await tx.contract.update({
      where: { id: previous.id, revision: previous.revision },
      data: { status: after, revision: { increment: 1 }, ...(event === 'renew' && attachment.endDate ? { endDate: attachment.endDate } : {}) },
    });
    await appendAudit(tx, { chain: previous.id, contractId: previous.id, type: event === 'renew' ? 'contract.renewed' : 'contract.changed', actor: workerActor(linkId), ip: context.ip, userAgent: context.userAgent, data: { attachment: attachment.id, documentSha256: sha256 } });
  }

  private async notifyCompletion(tx: DbTx, contract: { number: string; employer: { name: string; phone: string | null } }, workerPhone: string, workerName: string) {
    const portal = `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/w`;
    await this.deps.outbox.enqueue(tx, { channel: 'sms', kind: 'signed-worker', to: workerPhone, text: `【劳签】您与${contract.employer.name}的电子劳动合同（编号${contract.number}）已签署生效。您可随时在 ${portal} 用本手机号免费查看、下载。` });
    if (contract.employer.phone) {
      await this.deps.outbox.enqueue(tx, { channel: 'sms', kind: 'signed-employer', to: contract.employer.phone, text: `【劳签】${workerName}已签署电子劳动合同（编号${contract.number}），合同已生效。` });
    }
  }

  async decline(token: string, input: { reason: string }, context: RequestContext) {
    const { db } = this.deps;
    const link = await this.link(token);
    // A refusal is a legal act like a signature: only after the contract was read in full.
    if (!link.readToEndAt) throw workerProblem(409, 'not-read', '请先阅读合同全文', [{ field: 'readToEnd', rule: 'required_first', message: 'read the contract to the end before declining', messageZh: '请先完整阅读合同，再决定是否拒绝签署' }]);
    const reason = input.reason.trim();
    if (reason.length < 2) throw workerProblem(422, 'reason-required', '请填写拒签理由', [{ field: 'reason', rule: 'min_length_2', message: 'a reason is required', messageZh: '请简要说明拒绝签署的理由' }]);
    return db.$transaction(async (tx) => {
      const contract = await tx.contract.findUniqueOrThrow({ where: { id: link.contractId }, include: { employer: true } });
      const next = requireTransition(contract.status, 'decline');
      await tx.contract.update({ where: { id: contract.id, revision: contract.revision }, data: { status: next, revision: { increment: 1 } } });
      await tx.signingLink.update({ where: { id: link.id }, data: { usedAt: new Date() } });
      await this.audit(tx, link, 'contract.declined', context, { reason });
      if (contract.employer.phone) {
        await this.deps.outbox.enqueue(tx, { channel: 'sms', kind: 'declined-employer', to: contract.employer.phone, text: `【劳签】劳动者拒绝签署电子劳动合同（编号${contract.number}），理由：${reason}` });
      }
      return { status: next };
    });
  }
}

function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***';
}

/** A handwritten signature as a PNG or JPEG data URL (or bare base64). */
function decodeImage(dataUrl: string): Uint8Array {
  const base64 = dataUrl.replace(/^data:image\/(png|jpeg);base64,/, '');
  const bytes = Buffer.from(base64, 'base64');
  const png = bytes[0] === 0x89 && bytes[1] === 0x50;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if ((!png && !jpeg) || bytes.length > 512 * 1024 || bytes.length < 64) {
    throw workerProblem(422, 'signature-image', '手写签名无效', [{ field: 'signatureImage', rule: 'png_or_jpeg_max_512k', message: 'a PNG or JPEG up to 512 KiB is required', messageZh: '请在签名区域手写签名后再提交' }]);
  }
  // Its dimensions, before the appearance decodes it.
  const checked = checkImage(bytes);
  if (!checked.ok) throw workerProblem(422, 'signature-image', '手写签名无效', [{ field: 'signatureImage', rule: checked.rule, message: checked.message, messageZh: checked.messageZh }]);
  return bytes;
}

/** A prepared revision read back from its session (the placeholder sits between the ranges). */
function restorePrepared(pdf: Uint8Array, byteRange: number[]): PreparedSignature {
  const [a = 0, b = 0, c = 0, d = 0] = byteRange;
  const bytes = new Uint8Array(pdf);
  const partial: PreparedSignature = { pdf: bytes, byteRange: [a, b, c, d], contentsOffset: b + 1, contentsHexLength: c - b - 2, digest: new Uint8Array() };
  partial.digest = createHash('sha256').update(signedBytes(partial)).digest();
  return partial;
}

export const forTests = { restorePrepared, randomBytes };
