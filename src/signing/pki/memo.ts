/**
 * Parsed certificates remembered by DER (their public keys made once): a server verifies many
 * contracts under the same CAs, TSA and OCSP responders. Bounded, so a flood of distinct inputs
 * only costs memory up to the bound. Signature checks are remembered in check-memo.ts, apart
 * because keys.ts needs them and certificate.ts (imported here) imports keys.ts.
 */
import { parseCertificate, type ParsedCertificate } from './certificate.ts';

const maxCertificates = 2_000;
const certificates = new Map<string, ParsedCertificate>();

/** parseCertificate, remembered by DER (least recently used dropped past the bound). */
export function certificateOf(der: Uint8Array): ParsedCertificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const found = certificates.get(key);
  if (found) {
    certificates.delete(key);
    certificates.set(key, found);
    return found;
  }
  const parsed = parseCertificate(new Uint8Array(der));
  certificates.set(key, parsed);
  if (certificates.size > maxCertificates) certificates.delete(certificates.keys().next().value!);
  return parsed;
}
