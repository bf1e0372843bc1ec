/** Issued certificates and their revocation status in PostgreSQL (CRLs and OCSP read it). */
import type { DbTx } from '../db/client.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import {
  reasonFromCode,
  RevocationReasonCode,
  type CertificateStatus,
  type CertificateStatusStore,
  type IssuedCertificateRecord,
  type RevocationReason,
  type RevokedCertificate,
} from '../signing/pki/status-store.ts';

type Row = { serial: string; issuer: string; subject: string; kind: string; der: Uint8Array; notBefore: Date; notAfter: Date; revokedAt: Date | null; revocationReason: string | null };

/** A person's certificate (a worker's event certificate) names them: its subject is stored encrypted. */
export const personalCertificateKinds = ['event'];
export const certificateSubjectColumn = 'Certificate.subject';

function toRecord(row: Row, crypto?: FieldCrypto): IssuedCertificateRecord {
  const subject = crypto && personalCertificateKinds.includes(row.kind) ? crypto.decryptText(row.subject, certificateSubjectColumn) : row.subject;
  return { serialHex: row.serial, issuerKeyId: row.issuer, subject, kind: row.kind, notBefore: row.notBefore, notAfter: row.notAfter, der: row.der };
}

export class PrismaCertificateStatusStore implements CertificateStatusStore {
  constructor(
    private readonly db: DbTx,
    private readonly crypto?: FieldCrypto,
  ) {}

  async record(certificate: IssuedCertificateRecord & { organisationId?: string; keyCipher?: Uint8Array<ArrayBuffer> }): Promise<void> {
    const data = {
      issuer: certificate.issuerKeyId,
      subject: this.crypto && personalCertificateKinds.includes(certificate.kind) ? this.crypto.encryptText(certificate.subject, certificateSubjectColumn) : certificate.subject,
      kind: certificate.kind,
      der: new Uint8Array(certificate.der ?? []),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      organisationId: certificate.organisationId ?? null,
      keyCipher: certificate.keyCipher ?? null,
    };
    await this.db.certificate.upsert({ where: { serial: certificate.serialHex.toLowerCase() }, create: { serial: certificate.serialHex.toLowerCase(), ...data }, update: {} });
  }

  private async find(serialHex: string, issuerKeyId?: string) {
    const row = await this.db.certificate.findUnique({ where: { serial: serialHex.toLowerCase() } });
    return row && (!issuerKeyId || row.issuer === issuerKeyId) ? row : undefined;
  }

  async revoke(serialHex: string, reason: RevocationReason, at = new Date(), issuerKeyId?: string): Promise<void> {
    const row = await this.find(serialHex, issuerKeyId);
    if (!row) throw new Error(`certificate ${serialHex} was not issued here`);
    // First revocation wins: the date on a CRL never moves.
    await this.db.certificate.updateMany({ where: { serial: row.serial, revokedAt: null }, data: { revokedAt: at, revocationReason: String(RevocationReasonCode[reason]) } });
  }

  async status(serialHex: string, issuerKeyId?: string): Promise<CertificateStatus> {
    const row = await this.find(serialHex, issuerKeyId);
    if (!row) return { status: 'unknown' };
    if (row.revokedAt) return { status: 'revoked', record: toRecord(row, this.crypto), revokedAt: row.revokedAt, reason: reasonFromCode(Number(row.revocationReason ?? 0)) };
    return { status: 'good', record: toRecord(row, this.crypto) };
  }

  async revoked(issuerKeyId: string, now = new Date()): Promise<RevokedCertificate[]> {
    const rows = await this.db.certificate.findMany({ where: { issuer: issuerKeyId, revokedAt: { not: null }, notAfter: { gte: now } }, orderBy: { revokedAt: 'asc' } });
    return rows.map((row) => ({ serialHex: row.serial, revokedAt: row.revokedAt!, reason: reasonFromCode(Number(row.revocationReason ?? 0)) }));
  }
}
