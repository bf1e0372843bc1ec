/**
 * Workers' names in text columns are ciphertexts (FieldCrypto.encryptText): a worker's
 * Signature.signerName and the subject of their event certificates. Rows written before that
 * are encrypted once at start, so existing databases keep working.
 */
import type { Db } from '../db/client.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { certificateSubjectColumn, personalCertificateKinds } from './certificate-store.ts';
import { workerSignerNameColumn } from './worker-signing.ts';

/** Encrypts names still in the clear; returns how many rows it changed. Idempotent. */
export async function encryptNamesAtRest(db: Db, crypto: FieldCrypto): Promise<number> {
  let changed = 0;
  const signatures = await db.signature.findMany({ where: { role: 'worker', NOT: { signerName: { startsWith: 'enc1:' } } }, select: { id: true, signerName: true } });
  for (const row of signatures) {
    const updated = await db.signature.updateMany({ where: { id: row.id, signerName: row.signerName }, data: { signerName: crypto.encryptText(row.signerName, workerSignerNameColumn) } });
    changed += updated.count;
  }
  const certificates = await db.certificate.findMany({ where: { kind: { in: personalCertificateKinds }, NOT: { subject: { startsWith: 'enc1:' } } }, select: { serial: true, subject: true } });
  for (const row of certificates) {
    const updated = await db.certificate.updateMany({ where: { serial: row.serial, subject: row.subject }, data: { subject: crypto.encryptText(row.subject, certificateSubjectColumn) } });
    changed += updated.count;
  }
  return changed;
}
