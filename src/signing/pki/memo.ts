/**
 * Memory for pure, repeated certificate work across verifications: parsed certificates by DER
 * (their public keys made once) and signature checks by key, algorithm, signature value and
 * the SHA-256 of the signed data. A server verifies many contracts under the same CAs, TSA
 * and OCSP responders; their checks give the same answer every time. Bounded, so a flood of
 * distinct inputs only costs memory up to the bound.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';

const maxCertificates = 2_000;
const maxChecksPerKey = 5_000;
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

const checks = new WeakMap<KeyObject, Map<string, boolean>>();

/** `verify()` remembered per key object: the key includes a digest of the data, so a changed input is checked anew. */
export function rememberedCheck(key: KeyObject, algorithm: string, data: Uint8Array, signature: Uint8Array, verify: () => boolean): boolean {
  let byKey = checks.get(key);
  if (!byKey) checks.set(key, (byKey = new Map()));
  const id = `${algorithm}:${Buffer.from(signature).toString('base64')}:${createHash('sha256').update(data).digest('base64')}`;
  const known = byKey.get(id);
  if (known !== undefined) return known;
  const result = verify();
  if (byKey.size >= maxChecksPerKey) byKey.clear();
  byKey.set(id, result);
  return result;
}
