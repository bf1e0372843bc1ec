/**
 * ECDSA signature formats: WebCrypto returns raw r||s (IEEE P1363); CMS, X.509 and OCSP carry
 * the DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`.
 */
import { encode, int, parseDer, seq, Tag } from './der.ts';

/** raw r||s (each `size` bytes; 32 for P-256) → DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2) throw new Error('ECDSA raw signature must be r||s of equal halves');
  const half = raw.length / 2;
  return encode(seq(int(raw.subarray(0, half)), int(raw.subarray(half))));
}

/** DER ECDSA-Sig-Value → raw r||s with each half left-padded to `size` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, size = 32): Uint8Array {
  const sequence = parseDer(der).expect(Tag.sequence);
  const out = new Uint8Array(size * 2);
  [0, 1].forEach((i) => {
    const value = sequence.at(i, Tag.integer).unsignedBytes();
    if (value.length > size) throw new Error('ECDSA signature component longer than the curve size');
    out.set(value, size * (i + 1) - value.length);
  });
  return out;
}
