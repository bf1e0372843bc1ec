/**
 * The worker's two-phase signature. Phase one certifies the browser's public key (an event
 * certificate naming the worker) and prepares the PDF revision and the CMS signed attributes;
 * the browser signs them with its WebCrypto key, which never leaves it. Phase two checks that
 * signature, adds the RFC 3161 timestamp, validation data (B-LT) and a document timestamp
 * (B-LTA), archives the result and records it in one transaction, with the renewal or change
 * of the prior contract when the document is a 续订书 or 变更书.
 */
import { createHash, createHmac, createPublicKey } from 'node:crypto';
import type { DbTx } from '../../db/client.ts';
import { shanghaiDate } from '../../domain/calendar.ts';
import { missingConfirmations } from '../../domain/worker-confirmations.ts';
import { ecdsaRawToDer } from '../../signing/asn1/ecdsa.ts';
import { imageAppearance } from '../../signing/appearance/appearances.ts';
import { checkImage } from '../../signing/appearance/image-header.ts';
import { assembleSignedData, buildSignedAttributes, signatureTimestampAttribute } from '../../signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss } from '../../signing/pades/ltv.ts';
import { embedSignature, prepareSignature, signedBytes, type PreparedSignature } from '../../signing/pades/signature.ts';
import { collectValidationMaterial } from '../../signing/pades/validation-material.ts';
import { parseCertificate } from '../../signing/pki/certificate.ts';
import { algorithmOfKey, verifyWithKey } from '../../signing/pki/keys.ts';
import { attachmentKinds } from '../contract/attachments.ts';
import { documentSlots, latestDocument, removeUnrecorded, sealedWithoutField, signatureFieldName, archivedPdf } from '../contract/documents.ts';
import { moveContract, requireTransition } from '../contract/transitions.ts';
import { readWorker } from '../workers.ts';
import { contractChanged, linkPolicy, workerActor, workerProblem, type RequestContext, type SigningLinks, type WorkerSigningDeps } from './links.ts';
import type { SigningSteps } from './steps.ts';
import { contractById } from '../contract/access.ts';

/** A worker's name on a Signature row is a ciphertext bound to this column (names-at-rest.ts). */
export const workerSignerNameColumn = 'Signature.signerName';

/** The worker's field, which the seal created empty over the template's worker signature area. */
const workerFieldName = signatureFieldName({ role: 'worker', mode: 'sign' });

export class WorkerSignature {
  constructor(
    private readonly deps: WorkerSigningDeps,
    private readonly links: SigningLinks,
    private readonly steps: SigningSteps,
  ) {}

  /**
   * Phase one: checks code and intent, certifies the browser's public key (an event
   * certificate naming the worker), prepares the PDF revision and returns the DER signed
   * attributes the browser must sign.
   */
  async prepare(token: string, input: { code: string; publicKey: string; signatureImage: string; intent: boolean; confirmations?: string[] }, context: RequestContext) {
    const { db, pki } = this.deps;
    const link = await this.links.find(token);
    if (!link.readToEndAt || !link.identityVerifiedAt)
      throw workerProblem(409, 'steps-missing', '请先完成阅读和身份核验', [
        {
          field: 'identity',
          rule: 'required_first',
          message: 'read the contract and verify identity first (POST /api/v1/signing/{token}/read, then /identity)',
          messageZh: '请先阅读合同全文并核验身份',
        },
      ]);
    if (input.intent !== true)
      throw workerProblem(422, 'intent-required', '请确认签署意愿', [{ field: 'intent', rule: 'must_be_true', message: 'explicit intent is required', messageZh: '请勾选“我已阅读并同意签署本合同”' }]);
    const missing = missingConfirmations(this.links.confirmations(link.contract), input.confirmations);
    if (missing.length) {
      throw workerProblem(
        422,
        'confirmation-required',
        '请逐项确认',
        missing.map((m) => ({ field: 'confirmations', rule: m.key, message: `the worker must confirm ${m.key} (${m.article})`, messageZh: `请勾选确认：${m.textZh}` })),
      );
    }
    requireTransition(link.contract.status, 'sign');
    await this.steps.checkCode(link, input.code, context);

    let publicKey;
    try {
      publicKey = createPublicKey({ key: Buffer.from(input.publicKey, 'base64'), format: 'der', type: 'spki' });
      if (algorithmOfKey(publicKey) !== 'ecdsa-p256-sha256') throw new Error('not P-256');
    } catch {
      throw workerProblem(400, 'bad-key', '签名密钥无效', [
        { field: 'publicKey', rule: 'spki_p256', message: 'an ECDSA P-256 public key (SPKI DER, base64) is required', messageZh: '浏览器生成的签名密钥无效，请更换浏览器重试' },
      ]);
    }
    const image = decodeImage(input.signatureImage);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    const idHash = createHmac('sha256', 'laborsign worker certificate').update(worker.idNumber).digest('hex').slice(0, 32);
    const certificate = await pki.issueEventCertificate({ name: worker.name, idNumberHash: idHash, publicKey, validityMinutes: linkPolicy.eventCertificateMinutes });

    // The seal made the worker's field, empty; a contract sealed before it did is sealed again first.
    const { document, pdf } = await this.deps.sealing.documentToFill(link.contractId, workerFieldName, { kind: 'system' });
    const slot = documentSlots(document).find((s) => s.mode === 'sign' && s.role === 'worker');
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
      await this.links.audit(tx, link, 'signature.prepared', context, {
        sessionId: created.id,
        certificateSerial: certificate.serialHex.toLowerCase(),
        baseDocumentSha256: document.sha256,
        intent: true,
        confirmations: input.confirmations?.length ? [...new Set(input.confirmations)] : [],
      });
      return created;
    });
    return { sessionId: session.id, signedAttributes: Buffer.from(signedAttributes).toString('base64'), certificate: Buffer.from(certificate.certificate).toString('base64') };
  }

  /** Phase two: the browser's signature over the signed attributes completes the contract. */
  async complete(token: string, input: { sessionId: string; signature: string }, context: RequestContext) {
    const { db, pki, archive, timestamps } = this.deps;
    const link = await this.links.find(token);
    const session = await db.signingSession.findUnique({ where: { id: input.sessionId } });
    if (!session || session.linkId !== link.id || session.completedAt || session.expiresAt <= new Date()) {
      throw workerProblem(409, 'session-invalid', '签署会话已失效', [
        { field: 'sessionId', rule: 'active_session', message: 'unknown, completed or expired signing session', messageZh: '签署会话已失效，请重新签署' },
      ]);
    }
    // A session prepared on another version than the latest, or on a seal that did not make the
    // worker's field (prepared before that upgrade), would not pass strict validators: prepare again.
    const base = await latestDocument(db, link.contractId);
    const basePdf = session.preparedPdf.subarray(0, base.size);
    if (createHash('sha256').update(basePdf).digest('hex') !== base.sha256 || (base.kind === 'sealed' && (await sealedWithoutField(basePdf, documentSlots(base), workerFieldName)))) {
      throw workerProblem(409, 'session-invalid', '签署会话已失效', [
        { field: 'sessionId', rule: 'current_document', message: 'the session was prepared on a version of the contract that is no longer current', messageZh: '合同文件已更新，请重新签署' },
      ]);
    }
    const certificateRow = await db.certificate.findUniqueOrThrow({ where: { serial: session.certificateSerial } });
    const certificate = parseCertificate(certificateRow.der);
    let signatureValue: Uint8Array = new Uint8Array(Buffer.from(input.signature, 'base64'));
    if (signatureValue.length === 64) signatureValue = ecdsaRawToDer(signatureValue); // WebCrypto gives r||s
    const signedAttributes = new Uint8Array(session.signedAttributes);
    if (!verifyWithKey(certificate.publicKey, '1.2.840.10045.4.3.2', signedAttributes, signatureValue)) {
      throw workerProblem(422, 'signature-invalid', '签名校验失败', [
        { field: 'signature', rule: 'verifies', message: 'the signature does not verify with the certified key', messageZh: '签名校验失败，请重新签署' },
      ]);
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

    const status = await db
      .$transaction(async (tx) => {
        const contract = await contractById(tx, link.contractId);
        const next = requireTransition(contract.status, 'sign');
        const claimed = await tx.signingSession.updateMany({ where: { id: session.id, completedAt: null }, data: { completedAt: signingTime } });
        if (claimed.count !== 1) throw workerProblem(409, 'session-invalid', '签署会话已失效');
        await moveContract(tx, contract, next, { whenChanged: contractChanged(), data: { effectiveAt: signingTime } });
        const previous = await latestDocument(tx, contract.id);
        const document = await tx.document.create({
          data: {
            contractId: contract.id,
            kind: 'signed',
            ...archivedPdf(stored),
            signatureSlots: previous.signatureSlots ?? undefined,
          },
        });
        await tx.signature.create({
          data: {
            contractId: contract.id,
            documentId: document.id,
            role: 'worker',
            fieldName: workerFieldName,
            signerName: this.deps.crypto.encryptText(worker.name, workerSignerNameColumn),
            certificateSerial: session.certificateSerial,
            signedAt: signingTime,
            timestampAt: signingTime,
          },
        });
        await tx.signingLink.update({ where: { id: link.id }, data: { usedAt: signingTime } });
        await this.links.audit(tx, link, 'contract.signed', context, {
          documentSha256: stored.sha256,
          certificateSerial: session.certificateSerial,
          level: missing.length ? 'B-T' : 'B-LTA',
          ...(missing.length ? { validationDataMissing: missing } : {}),
        });
        if (contract.previousId) await this.amendPrevious(tx, contract, link.id, stored.sha256, context);
        await this.notifyCompletion(tx, link.contract, worker.phone!, worker.name);
        return next;
      })
      .catch(async (error: unknown) => {
        // Nothing was recorded: the signed file goes too, so no half-signed document is left behind.
        await removeUnrecorded(db, archive, [stored.key]).catch(() => undefined);
        throw error;
      });
    return { status, document: { sha256: stored.sha256, size: stored.size } };
  }

  /** A signed 续订书 or 变更书 renews or changes the contract it belongs to. */
  private async amendPrevious(
    tx: DbTx,
    attachment: { id: string; previousId: string | null; templateId: string; templateVersion: string; endDate: Date | null },
    linkId: string,
    sha256: string,
    context: RequestContext,
  ) {
    const kind = this.deps.templates.get(attachment.templateId, attachment.templateVersion)?.kind;
    const event = attachmentKinds[kind as keyof typeof attachmentKinds];
    if (!event || !attachment.previousId) return;
    const previous = await contractById(tx, attachment.previousId);
    const after = requireTransition(previous.status, event);
    await moveContract(tx, previous, after, { whenChanged: contractChanged(), data: event === 'renew' && attachment.endDate ? { endDate: attachment.endDate } : {} });
    await this.deps.audit.append(tx, {
      chain: previous.id,
      contractId: previous.id,
      type: event === 'renew' ? 'contract.renewed' : 'contract.changed',
      actor: workerActor(linkId),
      ip: context.ip,
      userAgent: context.userAgent,
      data: { attachment: attachment.id, documentSha256: sha256 },
    });
  }

  private async notifyCompletion(tx: DbTx, contract: { number: string; employer: { name: string; phone: string | null } }, workerPhone: string, workerName: string) {
    const portal = `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/w`;
    await this.deps.outbox.enqueue(tx, {
      channel: 'sms',
      kind: 'signed-worker',
      to: workerPhone,
      text: `【劳签】您与${contract.employer.name}的电子劳动合同（编号${contract.number}）已签署生效。您可随时在 ${portal} 用本手机号免费查看、下载。`,
    });
    if (contract.employer.phone) {
      await this.deps.outbox.enqueue(tx, {
        channel: 'sms',
        kind: 'signed-employer',
        to: contract.employer.phone,
        text: `【劳签】${workerName}已签署电子劳动合同（编号${contract.number}），合同已生效。`,
      });
    }
  }
}

/** A handwritten signature as a PNG or JPEG data URL (or bare base64). */
function decodeImage(dataUrl: string): Uint8Array {
  const base64 = dataUrl.replace(/^data:image\/(png|jpeg);base64,/, '');
  const bytes = Buffer.from(base64, 'base64');
  const png = bytes[0] === 0x89 && bytes[1] === 0x50;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if ((!png && !jpeg) || bytes.length > 512 * 1024 || bytes.length < 64) {
    throw workerProblem(422, 'signature-image', '手写签名无效', [
      { field: 'signatureImage', rule: 'png_or_jpeg_max_512k', message: 'a PNG or JPEG up to 512 KiB is required', messageZh: '请在签名区域手写签名后再提交' },
    ]);
  }
  // Its dimensions, before the appearance decodes it.
  const checked = checkImage(bytes);
  if (!checked.ok) throw workerProblem(422, 'signature-image', '手写签名无效', [{ field: 'signatureImage', rule: checked.rule, message: checked.message, messageZh: checked.messageZh }]);
  return bytes;
}

/** A prepared revision read back from its session (the placeholder sits between the ranges). */
export function restorePrepared(pdf: Uint8Array, byteRange: number[]): PreparedSignature {
  const [a = 0, b = 0, c = 0, d = 0] = byteRange;
  const bytes = new Uint8Array(pdf);
  const partial: PreparedSignature = { pdf: bytes, byteRange: [a, b, c, d], contentsOffset: b + 1, contentsHexLength: c - b - 2, digest: new Uint8Array() };
  partial.digest = createHash('sha256').update(signedBytes(partial)).digest();
  return partial;
}
