/**
 * Signature checks remembered by key, algorithm, signature value and the SHA-256 of the signed
 * data: a server verifies many contracts under the same CAs, TSA and OCSP responders, and their
 * checks give the same answer every time. Bounded per key. Imports nothing from pki, so keys.ts
 * can use it without a cycle through certificate.ts.
 */
import { createHash, type KeyObject } from 'node:crypto';

const maxChecksPerKey = 5_000;
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
