/**
 * What the platform remembers about certificates it issued, for CRLs and OCSP. The
 * in-memory store serves tests and development; a database-backed one implements the same
 * interface.
 */

/** RFC 5280 CRLReason codes (7 is unused). */
export const RevocationReasonCode = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof RevocationReasonCode;

export function reasonFromCode(code: number): RevocationReason {
  const entry = Object.entries(RevocationReasonCode).find(([, value]) => value === code);
  return (entry?.[0] as RevocationReason | undefined) ?? 'unspecified';
}

export interface IssuedCertificateRecord {
  /** Canonical serial hex (see `serialHex`). */
  serialHex: string;
  /** Hex subject key identifier of the issuing CA: serials are unique per issuer. */
  issuerKeyId: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** 'organisation' | 'event' | 'tsa' | 'ocsp' | 'ca' ... */
  kind: string;
  der?: Uint8Array;
}

export interface RevokedCertificate {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export type CertificateStatus =
  { status: 'good'; record: IssuedCertificateRecord } | { status: 'revoked'; record: IssuedCertificateRecord; revokedAt: Date; reason: RevocationReason } | { status: 'unknown' };

export interface CertificateStatusStore {
  /** Records an issued certificate; recording the same serial again replaces the record (upsert). */
  record(certificate: IssuedCertificateRecord): Promise<void>;
  /** Revokes a certificate; throws when the serial was never issued. Idempotent. */
  revoke(serialHex: string, reason: RevocationReason, at?: Date, issuerKeyId?: string): Promise<void>;
  /** Status of a serial, optionally restricted to one issuer ('unknown' if not ours). */
  status(serialHex: string, issuerKeyId?: string): Promise<CertificateStatus>;
  /** Revoked, not yet expired certificates of one issuer, for its CRL. */
  revoked(issuerKeyId: string, now?: Date): Promise<RevokedCertificate[]>;
}

interface Entry {
  record: IssuedCertificateRecord;
  revocation?: { revokedAt: Date; reason: RevocationReason };
}

export class InMemoryCertificateStatusStore implements CertificateStatusStore {
  private readonly entries = new Map<string, Entry>();

  private find(serialHex: string, issuerKeyId?: string): Entry | undefined {
    const entry = this.entries.get(serialHex.toLowerCase());
    if (!entry || (issuerKeyId && entry.record.issuerKeyId !== issuerKeyId)) return undefined;
    return entry;
  }

  async record(certificate: IssuedCertificateRecord): Promise<void> {
    const key = certificate.serialHex.toLowerCase();
    this.entries.set(key, { ...this.entries.get(key), record: certificate });
  }

  async revoke(serialHex: string, reason: RevocationReason, at = new Date(), issuerKeyId?: string): Promise<void> {
    const entry = this.find(serialHex, issuerKeyId);
    if (!entry) throw new Error(`certificate ${serialHex} was not issued here`);
    entry.revocation ??= { revokedAt: at, reason };
  }

  async status(serialHex: string, issuerKeyId?: string): Promise<CertificateStatus> {
    const entry = this.find(serialHex, issuerKeyId);
    if (!entry) return { status: 'unknown' };
    if (entry.revocation) return { status: 'revoked', record: entry.record, ...entry.revocation };
    return { status: 'good', record: entry.record };
  }

  async revoked(issuerKeyId: string, now = new Date()): Promise<RevokedCertificate[]> {
    const list: RevokedCertificate[] = [];
    for (const { record, revocation } of this.entries.values()) {
      if (!revocation || record.issuerKeyId !== issuerKeyId || record.notAfter < now) continue;
      list.push({ serialHex: record.serialHex, ...revocation });
    }
    return list;
  }
}
