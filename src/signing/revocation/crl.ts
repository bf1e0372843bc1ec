/** CRL issuance for each platform CA from the certificate status store; CRL checks and fetching. */
import { bytesEqual } from '../asn1/der.ts';
import type { IssuingAuthority } from '../pki/authority.ts';
import type { ParsedCertificate } from '../pki/certificate.ts';
import { buildCrl, parseCrl, type ParsedCrl } from '../pki/crl.ts';
import { verifyWithKey } from '../pki/keys.ts';
import type { CertificateStatusStore, RevokedCertificate } from '../pki/status-store.ts';

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

export interface CrlVerification {
  valid: boolean;
  problems: string[];
  crl?: ParsedCrl;
  /** The entry for `certificate` when the CRL lists it as revoked. */
  entry?: RevokedCertificate;
}

/**
 * Checks a CRL as revocation data about certificates of `issuer`: issued under the issuer's
 * name, signed by its key (which may sign CRLs), and current at `now` (nextUpdate not passed).
 * With `certificate`, also says whether it is listed (`entry`).
 */
export function verifyCrl(crl: Uint8Array | ParsedCrl, options: { issuer: ParsedCertificate; certificate?: ParsedCertificate; now?: Date }): CrlVerification {
  let parsed: ParsedCrl;
  try {
    parsed = crl instanceof Uint8Array ? parseCrl(crl) : crl;
  } catch (error) {
    return { valid: false, problems: [`CRL could not be parsed: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  const { issuer } = options;
  if (!bytesEqual(parsed.issuer, issuer.subject)) problems.push('CRL issuer is not the certificate issuer');
  else {
    let verified: boolean;
    try {
      verified = verifyWithKey(issuer.publicKey, parsed.signatureAlgorithm, parsed.tbs, parsed.signature);
    } catch {
      verified = false;
    }
    if (!verified) problems.push('CRL signature does not verify under the issuer key');
    if (issuer.keyUsage.length && !issuer.keyUsage.includes('cRLSign')) problems.push('CRL issuer lacks keyUsage cRLSign');
  }
  if (options.certificate && !bytesEqual(options.certificate.issuer, issuer.subject)) problems.push('certificate is not issued by the CRL issuer');
  const now = options.now ?? new Date();
  if (parsed.nextUpdate && parsed.nextUpdate < now) problems.push('CRL is stale (nextUpdate passed)');
  const entry = options.certificate ? parsed.revoked.find((r) => r.serialHex === options.certificate!.serialHex) : undefined;
  return { valid: problems.length === 0, problems, crl: parsed, entry };
}

/** GETs a CRL (DER) from a distribution point. */
export async function fetchCrl(url: string, timeoutMs = 10_000): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error(`CRL ${url}: only http(s) distribution points are fetched`);
  const response = await fetch(url, { headers: { accept: 'application/pkix-crl' }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`CRL ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
