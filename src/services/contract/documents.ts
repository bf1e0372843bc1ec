/**
 * A contract's documents: its revisions (draft → sealed → signed, newest wins), its
 * termination certificate, the signature fields every revision carries, and the archive
 * objects a failed step left unrecorded.
 */
import type { Db, DbTx } from '../../db/client.ts';
import type { SignatureSlot } from '../../pdf/layout.ts';
import { Problem } from '../../problem.ts';
import { signatureFieldState, type EmptySignatureField } from '../../signing/pades/signature.ts';
import type { ArchivedObject, ObjectArchive } from '../../storage/archive.ts';
import { z } from 'zod';

const signatureSlots = z
  .array(z.object({ role: z.string(), mode: z.enum(['seal', 'sign']), page: z.number().int().nonnegative(), rect: z.tuple([z.number(), z.number(), z.number(), z.number()]) }))
  .nullable();

/** A Document row's columns that say where its PDF lies in the archive (every document is a PDF). */
export function archivedPdf(stored: ArchivedObject) {
  return { objectKey: stored.key, versionId: stored.versionId, sha256: stored.sha256, size: stored.size, contentType: 'application/pdf' };
}

/** The signature areas a document's template reserved (its `signatureSlots` JSON column, checked). */
export function documentSlots(document: { signatureSlots: unknown }): SignatureSlot[] {
  return signatureSlots.parse(document.signatureSlots ?? null) ?? [];
}

/** The latest revision of the contract itself (never a certificate issued about it). */
export async function latestDocument(db: DbTx, contractId: string) {
  const document = await db.document.findFirst({ where: { contractId, kind: { in: ['draft', 'sealed', 'signed'] } }, orderBy: { createdAt: 'desc' } });
  if (!document) throw Problem.notFound('Contract document');
  return document;
}

/** A contract's document as asked for: its latest revision, or its termination certificate. */
export async function contractDocument(db: DbTx, contractId: string, which: 'contract' | 'termination-certificate') {
  if (which === 'contract') return latestDocument(db, contractId);
  const certificate = await db.document.findFirst({ where: { contractId, kind: 'termination_certificate' }, orderBy: { createdAt: 'desc' } });
  if (!certificate) throw Problem.notFound('Termination certificate');
  return certificate;
}

/**
 * Objects a failed step stored but never recorded (the database transaction after the upload
 * failed, or a batch worker died in between). A key some document names is never touched.
 */
export async function removeUnrecorded(db: Db, archive: ObjectArchive, keys: string[]): Promise<void> {
  if (!keys.length) return;
  const recorded = new Set((await db.document.findMany({ where: { objectKey: { in: keys } }, select: { objectKey: true } })).map((d) => d.objectKey));
  for (const key of keys) if (!recorded.has(key)) await archive.removeUnrecorded(key);
}

/** The field the seal fills: kept for every document (signature rows and reports name it). */
export const sealFieldName = 'employer-seal';

/** The signature field of a slot other than the seal's: `worker-signature`, `agency-seal`, … */
export function signatureFieldName(slot: Pick<SignatureSlot, 'role' | 'mode'>): string {
  return `${slot.role}-${slot.mode === 'seal' ? 'seal' : 'signature'}`;
}

const partyNames: Record<string, string> = { employer: '用人单位', worker: '劳动者', agency: '劳务派遣单位', host: '用工单位', platform: '平台' };

/**
 * The Chinese name of a signature field this service makes (`employer-seal` → 用人单位电子印章,
 * a document timestamp → 文档时间戳), for pages and reports; another field keeps its own name.
 */
export function signatureFieldLabel(fieldName: string, kind?: 'signature' | 'document-timestamp'): string {
  if (kind === 'document-timestamp' || /^(document-timestamp|DocTimeStamp)-/.test(fieldName)) return '文档时间戳';
  const match = /^([a-z]+)-(seal|signature)$/.exec(fieldName);
  const party = match ? partyNames[match[1]!] : undefined;
  if (!party) return fieldName;
  return `${party}${match![2] === 'seal' ? '电子印章' : '电子签名'}`;
}

/**
 * Where the seal goes (the template's first seal area) and every other area as an empty
 * signature field. The seal certifies the document (DocMDP P=2), after which strict validators
 * accept no new visible field: each later signer's field must exist, empty, in the sealed revision.
 */
export function sealLayout(slots: readonly SignatureSlot[]): { seal: SignatureSlot | undefined; emptyFields: EmptySignatureField[] } {
  const seal = slots.find((s) => s.mode === 'seal');
  const used = new Set([sealFieldName]);
  const emptyFields: EmptySignatureField[] = [];
  for (const slot of slots) {
    if (slot === seal) continue;
    const base = signatureFieldName(slot);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    emptyFields.push({ name, page: slot.page, rect: slot.rect });
  }
  return { seal, emptyFields };
}

/** Whether a sealed `pdf` lacks the empty field `fieldName` its signature areas call for: sealed before the seal made the fields. */
export async function sealedWithoutField(pdf: Uint8Array, slots: readonly SignatureSlot[], fieldName: string): Promise<boolean> {
  return sealLayout(slots).emptyFields.some((f) => f.name === fieldName) && (await signatureFieldState(pdf, fieldName)) === 'absent';
}
