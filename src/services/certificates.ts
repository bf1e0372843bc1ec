/**
 * The platform's public PKI (CA certificates, CRLs, OCSP, the RFC 3161 TSA) and the
 * administrator's revocation of a certificate it issued.
 */
import type { Db } from '../db/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { pemEncode } from '../signing/asn1/der.ts';
import type { Pki } from '../signing/pki/authority.ts';
import { RevocationReasonCode, type RevocationReason } from '../signing/pki/status-store.ts';
import { issueCrl } from '../signing/revocation/crl.ts';
import type { OcspResponder } from '../signing/revocation/ocsp.ts';
import type { TimestampAuthority } from '../signing/tsa/authority.ts';
import { platformChain, type Actor, type AuditLog } from './audit.ts';
import { PrismaCertificateStatusStore } from './certificate-store.ts';

export { type RevocationReason };
/** The RFC 5280 reasons a revocation may give. */
export const revocationReasons = Object.keys(RevocationReasonCode) as [RevocationReason, ...RevocationReason[]];

export interface Revocation {
  serial: string;
  status: 'revoked';
  revokedAt: Date;
  reason: RevocationReason;
}

export class Certificates {
  private readonly db: Db;
  private readonly pki: Pki;
  private readonly ocsp: OcspResponder;
  private readonly tsa: Pick<TimestampAuthority, 'respond'>;
  private readonly crypto: FieldCrypto | undefined;
  private readonly audit: AuditLog;

  constructor(deps: { db: Db; audit: AuditLog; pki: Pki; ocsp: OcspResponder; tsa: Pick<TimestampAuthority, 'respond'>; crypto?: FieldCrypto }) {
    this.db = deps.db;
    this.audit = deps.audit;
    this.pki = deps.pki;
    this.ocsp = deps.ocsp;
    this.tsa = deps.tsa;
    this.crypto = deps.crypto;
  }

  /** A CA certificate by its short name ('root', 'organisations', …), DER or PEM; undefined when there is none. */
  caCertificate(name: string, format: 'cer' | 'pem'): { contentType: string; body: Buffer | string } | undefined {
    const der = name === 'root' ? this.pki.root.der : this.pki.authorities.find((ca) => ca.name === name)?.certificate.der;
    if (!der) return undefined;
    return format === 'pem' ? { contentType: 'application/x-pem-file', body: pemEncode(der, 'CERTIFICATE') } : { contentType: 'application/pkix-cert', body: Buffer.from(der) };
  }

  /** The current CRL of the CA published as `file` (e.g. organisations.crl). */
  async crl(file: string): Promise<Buffer | undefined> {
    const ca = this.pki.authorities.find((candidate) => `${candidate.name}.crl` === file);
    return ca ? Buffer.from(await issueCrl(ca, this.pki.statusStore)) : undefined;
  }

  async ocspResponse(request: Buffer): Promise<Buffer> {
    return Buffer.from(await this.ocsp(request));
  }

  timestampReply(query: Buffer): Buffer {
    return Buffer.from(this.tsa.respond(query));
  }

  /** Revokes a certificate issued here and records it in the platform's audit chain, in one transaction: CRLs and OCSP answer revoked once it commits. */
  async revoke(serialHex: string, reason: RevocationReason, revokedAt: Date, actor: Actor): Promise<Revocation> {
    const serial = serialHex.toLowerCase();
    return this.db.$transaction(async (tx) => {
      const store = new PrismaCertificateStatusStore(tx, this.crypto);
      if ((await store.status(serial)).status === 'unknown') throw Problem.notFound(`Certificate ${serial}`);
      await store.revoke(serial, reason, revokedAt);
      const status = await store.status(serial);
      if (status.status !== 'revoked') throw new Error('revocation did not take effect');
      await this.audit.append(tx, { chain: platformChain, type: 'certificate.revoked', actor, data: { serial, reason: status.reason, revokedAt: status.revokedAt.toISOString() } });
      return { serial, status: 'revoked' as const, revokedAt: status.revokedAt, reason: status.reason };
    });
  }
}
