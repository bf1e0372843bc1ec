/** CRL issuance for each platform CA from the certificate status store. */
import type { IssuingAuthority } from '../pki/authority.ts';
import { buildCrl } from '../pki/crl.ts';
import type { CertificateStatusStore } from '../pki/status-store.ts';

export interface CrlIssueOptions {
  now?: Date;
  /** nextUpdate distance (default 24 hours). */
  validityHours?: number;
}

/**
 * A fresh CRL for `ca`. The CRL number is the issue time in milliseconds: monotonic across
 * restarts and instances without shared state.
 */
export async function issueCrl(ca: IssuingAuthority, store: CertificateStatusStore, options: CrlIssueOptions = {}): Promise<Uint8Array> {
  const now = options.now ?? new Date();
  const revoked = await store.revoked(ca.keyIdHex, now);
  return buildCrl(
    {
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + (options.validityHours ?? 24) * 3_600_000),
      crlNumber: BigInt(now.getTime()),
      revoked,
    },
    ca,
  );
}
