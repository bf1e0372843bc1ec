/**
 * The employer's seal: a PAdES certification signature (DocMDP P=2) with a signature
 * timestamp, made with the organisation's platform-held key (issued on first use, stored
 * encrypted under the master key). The sealed revision is archived first; the database
 * records it, the signature and the new state in one transaction, or not at all.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { SignatureSlot } from '../pdf/layout.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { imageAppearance, roundSealAppearance } from '../signing/appearance/appearances.ts';
import type { GlyphOutliner } from '../signing/appearance/outlines.ts';
import { createCadesSignature } from '../signing/cms/signed-data.ts';
import type { WrittenPdf } from '../signing/pades/incremental.ts';
import { firstRevision, signPdfHashed } from '../signing/pades/signature.ts';
import type { Pki, PlatformIssuedCertificate } from '../signing/pki/authority.ts';
import { parseCertificate } from '../signing/pki/certificate.ts';
import { localSignatureKey, openSealedPrivateKey } from '../signing/pki/keys.ts';
import type { Signer, TimestampClient } from '../signing/types.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import { LruCache } from '../support/lru-cache.ts';
import type { Actor, AuditLog } from './audit.ts';
import { contractById, employerReader, loadContract } from './contract/access.ts';
import { documentSlots, latestDocument, removeUnrecorded, sealedWithoutField, sealFieldName, sealLayout, archivedPdf } from './contract/documents.ts';
import { moveContract, requireTransition } from './contract/transitions.ts';

export interface SealingDeps {
  db: Db;
  audit: AuditLog;
  archive: ObjectArchive;
  pki: Pki;
  timestamps: TimestampClient;
  masterKey: Buffer;
  outliner: () => GlyphOutliner;
}

/**
 * Room left in a seal's /Contents beyond the largest CMS this certificate has made: signature
 * values and timestamp tokens vary by a few bytes. A CMS that still does not fit is signed
 * again with room for it (signPdf), so the margin costs nothing when it is wrong.
 */
const cmsMarginBytes = 1024;

export class SealingService {
  /**
   * The size of the CMS each certificate's seal produced: the next seal reserves that much
   * instead of the generic 24 KB, which is mostly zeros that every later step (hashing,
   * storing, archiving) would carry.
   */
  private readonly cmsBytes = new Map<string, number>();
  /**
   * Organisation keys opened, by certificate serial: opening a sealed key (PBKDF2, then
   * AES) takes a few milliseconds, and a batch asks for the same organisation's signer in every
   * chunk. The certificate row (revocation, validity) is still read each time.
   */
  private readonly openedKeys = new LruCache<string, KeyObject>(256);

  constructor(private readonly deps: SealingDeps) {}

  /** The organisation's signer, issuing its certificate (and platform-held key) on first use. */
  async organisationSigner(organisation: Organisation): Promise<Signer> {
    const { db, pki, masterKey } = this.deps;
    const existing = await db.certificate.findFirst({
      where: { organisationId: organisation.id, kind: 'organisation', revokedAt: null, notAfter: { gt: new Date(Date.now() + 86_400_000) }, keyCipher: { not: null } },
      orderBy: { notBefore: 'desc' },
    });
    if (existing?.keyCipher) {
      const issuing = pki.organisationCa.certificate.der;
      const keyCipher = existing.keyCipher;
      const key = this.openedKeys.getOrSet(existing.serial, () => openSealedPrivateKey(Buffer.from(keyCipher).toString('utf8'), masterKey));
      return { key: localSignatureKey(key), chain: [existing.der, issuing] };
    }
    const issued = (await pki.issueOrganisationCertificate({ name: organisation.name, uscc: organisation.uscc })) as PlatformIssuedCertificate;
    if (!issued.sealedPrivateKey) throw new Error('the PKI did not return a sealed organisation key');
    await db.certificate.update({
      where: { serial: issued.serialHex.toLowerCase() },
      data: { organisationId: organisation.id, keyCipher: new Uint8Array(Buffer.from(issued.sealedPrivateKey, 'utf8')) },
    });
    return issued.signer;
  }

  /**
   * A sealer for many PDFs of one organisation (a batch): the signer and the seal's appearance
   * are loaded once. Each call applies the seal (a certification signature with timestamp).
   */
  async sealer(organisation: Organisation, reason = '甲方盖章 / Employer seal') {
    const { archive, timestamps } = this.deps;
    const signer = await this.organisationSigner(organisation);
    const certificateSerial = parseCertificate(signer.chain[0]!).serialHex;
    const appearance =
      organisation.sealImageKey && organisation.sealImageSha256
        ? imageAppearance(this.deps.outliner(), await archive.get(organisation.sealImageKey, organisation.sealImageSha256))
        : roundSealAppearance(this.deps.outliner(), organisation.name);
    return async (pdf: Uint8Array, slots: readonly SignatureSlot[], signingTime: Date, written?: WrittenPdf) => {
      const known = this.cmsBytes.get(certificateSerial);
      const { seal: slot, emptyFields } = sealLayout(slots);
      const sealed = await signPdfHashed(
        pdf,
        {
          fieldName: sealFieldName,
          page: slot?.page ?? 0,
          rect: slot?.rect ?? [0, 0, 0, 0],
          emptyFields,
          appearance,
          signingTime,
          certify: true,
          name: organisation.name,
          reason,
          location: organisation.address,
          ...(known ? { placeholderBytes: known + cmsMarginBytes } : {}),
          written,
        },
        async (digest) => {
          const cms = await createCadesSignature(digest, signer, timestamps);
          this.cmsBytes.set(certificateSerial, Math.max(cms.length, this.cmsBytes.get(certificateSerial) ?? 0));
          return cms;
        },
      );
      // The sealed file's SHA-256 and the unsealed one's come from the hashing the seal did anyway.
      return { ...sealed, certificateSerial };
    };
  }

  /** Applies the organisation's seal (a certification signature with timestamp) to any PDF, with empty fields for its other signature areas. */
  async sealPdf(organisation: Organisation, pdf: Uint8Array, slots: readonly SignatureSlot[], signingTime: Date, reason?: string) {
    return (await this.sealer(organisation, reason))(pdf, slots, signingTime);
  }

  async seal(organisation: Organisation, contractId: string, context: { actor: Actor; ip?: string; userAgent?: string; authorisationId?: string }) {
    const { db, archive } = this.deps;
    const contract = await loadContract(db, employerReader(organisation), contractId, 'contract.manage');
    const next = requireTransition(contract.status, 'seal');
    const draft = await latestDocument(db, contract.id);
    const pdf = await archive.read(draft);
    // The organisation's seal goes where the template reserved the first seal area.
    const slots = documentSlots(draft);

    const signingTime = new Date();
    const { pdf: sealed, sha256, certificateSerial: serial } = await this.sealPdf(organisation, pdf, slots, signingTime);
    const stored = await archive.put(sealed, { contentType: 'application/pdf', sha256 });

    return db.$transaction(async (tx) => {
      // Optimistic lock: a concurrent seal of the same contract loses here and rolls back.
      await moveContract(tx, contract, next, { sameStatus: true, whenChanged: 'The contract changed while it was being sealed; try again.' });
      const document = await tx.document.create({
        data: {
          contractId: contract.id,
          kind: 'sealed',
          ...archivedPdf(stored),
          signatureSlots: draft.signatureSlots ?? undefined,
        },
      });
      await tx.signature.create({
        data: {
          contractId: contract.id,
          documentId: document.id,
          role: 'employer',
          fieldName: sealFieldName,
          signerName: organisation.name,
          certificateSerial: serial,
          signedAt: signingTime,
          timestampAt: signingTime,
        },
      });
      await this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: 'contract.sealed',
        actor: context.actor,
        ip: context.ip,
        userAgent: context.userAgent,
        data: { documentSha256: stored.sha256, certificateSerial: serial, ...(context.authorisationId ? { authorisationId: context.authorisationId } : {}) },
      });
      return { status: next, document };
    });
  }

  /**
   * The sealed document a later signer fills `fieldName` in. A contract sealed before the seal
   * created every signature field (in flight at that upgrade) lacks it, and a field created
   * after the certification is refused by strict validators: its draft (the sealed file's
   * first revision, which the seal signed) is sealed again, now with the fields, recorded as a
   * new sealed document, signature row and `contract.resealed` audit event naming both files.
   */
  async documentToFill(contractId: string, fieldName: string, actor: Actor) {
    const { db, archive } = this.deps;
    const current = await latestDocument(db, contractId);
    const pdf = await archive.get(current.objectKey, current.sha256);
    const slots = documentSlots(current);
    const reseal = current.kind === 'sealed' && (await sealedWithoutField(pdf, slots, fieldName));
    if (!reseal) return { document: current, pdf };

    const contract = await contractById(db, contractId, { employer: true });
    const draftRow = await db.document.findFirst({ where: { contractId, kind: 'draft' }, orderBy: { createdAt: 'desc' } });
    const draft = firstRevision(pdf);
    const draftSha256 = createHash('sha256').update(draft).digest('hex');
    if (draftRow && draftRow.sha256 !== draftSha256) throw new Error(`contract ${contractId}: the sealed file's first revision is not its draft`);
    const signingTime = new Date();
    const { pdf: sealed, sha256, certificateSerial: serial } = await this.sealPdf(contract.employer, draft, slots, signingTime);
    const stored = await archive.put(sealed, { contentType: 'application/pdf', sha256 });
    try {
      const document = await db.$transaction(async (tx) => {
        // The same optimistic lock as sealing: a concurrent step on the contract wins, this one retries from the start.
        await moveContract(tx, contract, contract.status, { sameStatus: true, whenChanged: 'The contract changed while it was being sealed again; try again.' });
        const created = await tx.document.create({
          data: {
            contractId: contract.id,
            kind: 'sealed',
            ...archivedPdf(stored),
            signatureSlots: current.signatureSlots ?? undefined,
          },
        });
        await tx.signature.create({
          data: {
            contractId: contract.id,
            documentId: created.id,
            role: 'employer',
            fieldName: sealFieldName,
            signerName: contract.employer.name,
            certificateSerial: serial,
            signedAt: signingTime,
            timestampAt: signingTime,
          },
        });
        await this.deps.audit.append(tx, {
          chain: contract.id,
          contractId: contract.id,
          type: 'contract.resealed',
          actor,
          data: { reason: 'signature_fields_before_certification', previousSha256: current.sha256, draftSha256, documentSha256: stored.sha256, certificateSerial: serial },
        });
        return created;
      });
      return { document, pdf: sealed };
    } catch (error) {
      await removeUnrecorded(db, archive, [stored.key]);
      throw error;
    }
  }
}
