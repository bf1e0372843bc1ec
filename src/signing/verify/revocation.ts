/**
 * Revocation for signature validation: a revocation recorded by the platform's status store
 * (answers fetched beforehand, matched by issuer key and serial) comes first; then the
 * document's own /DSS (OCSP responses, then CRLs), so a file validates offline years later;
 * then the store's "good". Network fetching is not done
 * here. Data counts only when it speaks for the time the object was made (issued no earlier,
 * less clock skew) and verifies: an OCSP response under the issuer or a delegated responder
 * whose own path validates (OCSPSigning; unrevoked unless id-pkix-ocsp-nocheck), a CRL per
 * RFC 5280 §6.3. Nothing usable leaves the status unknown.
 */
import { toHex } from '../asn1/der.ts';
import { oids } from '../asn1/oids.ts';
import { keyIdHex, type ParsedCertificate } from '../pki/certificate.ts';
import { crlStatus } from '../pki/crl-status.ts';
import { buildAndValidate, sameCertificate, type PathContext, type RevocationAnswer, type RevocationChecker } from '../pki/path-validation.ts';
import { verifyOcspResponse } from '../revocation/ocsp.ts';
import type { DssMaterial } from './dss.ts';
import { certificateOf } from '../pki/memo.ts';

/** Revocation data may be issued this long before the time it speaks for (clock skew between TSA and responders). */
const skewMs = 5 * 60_000;

/** The platform's answer about one certificate, looked up by its issuer's key id and its serial. */
export type StatusLookup = (serialHex: string, issuerKeyIdHex: string) => Promise<{ status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date }>;

const lookupKey = (issuerKeyId: string, serialHex: string) => `${issuerKeyId}:${serialHex}`;

/** Asks the status store once about every certificate that may appear in a path (by the issuer its AKI names). */
export async function prefetchStatuses(certificates: ParsedCertificate[], lookup: StatusLookup | undefined): Promise<Map<string, RevocationAnswer>> {
  const answers = new Map<string, RevocationAnswer>();
  if (!lookup) return answers;
  for (const certificate of certificates) {
    if (!certificate.authorityKeyId) continue;
    const key = lookupKey(toHex(certificate.authorityKeyId), certificate.serialHex);
    if (answers.has(key)) continue;
    const found = await lookup(certificate.serialHex, toHex(certificate.authorityKeyId));
    answers.set(key, { status: found.status, ...(found.revokedAt ? { revokedAt: found.revokedAt } : {}), source: 'lookup' });
  }
  return answers;
}

function fromOcsp(certificate: ParsedCertificate, issuer: ParsedCertificate, dss: DssMaterial, context: PathContext, depth: number): RevocationAnswer | undefined {
  const at = context.revocationTime ?? context.time;
  for (const response of dss.ocsps) {
    if (!response.basic?.responses.some((r) => r.certId.serialHex === certificate.serialHex)) continue;
    const check = verifyOcspResponse(response, { certificate, issuer, now: at });
    const single = check.response;
    if (!check.valid || !single || single.status === 'unknown' || single.thisUpdate.getTime() < at.getTime() - skewMs) continue;
    const signer = check.signer;
    if (signer && !sameCertificate(signer, issuer)) {
      if (depth >= 2) continue;
      const responderContext: PathContext = {
        ...context,
        pool: [...context.pool, ...response.basic.certificates.map((der) => certificateOf(der))],
        time: response.basic.producedAt,
        revocationTime: response.basic.producedAt,
        revocation: signer.extensions.has(oids.ocspNoCheck) ? undefined : context.revocation,
      };
      if (!buildAndValidate(signer, 'ocsp-responder', responderContext, depth + 1).ok) continue;
    }
    return { status: single.status, ...(single.revokedAt ? { revokedAt: single.revokedAt } : {}), source: 'dss' };
  }
  return undefined;
}

/** The checker path validation calls for each certificate below the trust anchor. */
export function documentRevocation(dss: DssMaterial, statuses: Map<string, RevocationAnswer>): RevocationChecker {
  // Paths are validated several times per document (verdict, B-LT, B-LTA): answer each question once.
  const answers = new Map<string, RevocationAnswer>();
  const checker: RevocationChecker = (certificate, issuer, path, context, depth) => {
    const key = `${certificate.serialHex}|${keyIdHex(issuer)}|${(context.revocationTime ?? context.time).getTime()}|${depth}`;
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = check(certificate, issuer, path, context, depth)));
    return answer;
  };
  const check: RevocationChecker = (certificate, issuer, path, context, depth) => {
    const at = context.revocationTime ?? context.time;
    // A revocation the platform knows of overrides older good answers in the file: the /DSS
    // is a snapshot, the issuer's record is the truth (a later answer may backdate it).
    const stored = statuses.get(lookupKey(keyIdHex(issuer), certificate.serialHex));
    if (stored?.status === 'revoked') return stored;
    const ocsp = fromOcsp(certificate, issuer, dss, { ...context, revocation: checker }, depth);
    if (ocsp) return ocsp;
    const crls = dss.crls.filter((crl) => crl.thisUpdate.getTime() >= at.getTime() - skewMs);
    if (crls.length) {
      const answer = crlStatus(certificate, issuer, path, { ...context, revocation: checker, crls }, depth);
      if (answer.status !== 'unknown') return { ...answer, source: 'dss' };
    }
    if (stored?.status === 'good') return stored;
    return { status: 'unknown' };
  };
  return checker;
}
