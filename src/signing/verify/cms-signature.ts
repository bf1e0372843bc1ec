/**
 * The cryptographic layer of one PDF signature or document timestamp: its /Contents as CMS,
 * the byte-range digest against messageDigest (or the token's imprint), the signature value
 * under the signer's key, and the signature timestamp token over the signature value. Trust in
 * the certificates is the path validation's business.
 */
import { createHash } from 'node:crypto';
import { PDFName } from 'pdf-lib';
import { readDer } from '../asn1/der.ts';
import { parseSignedData, verifyCmsSignature } from '../cms/parse.ts';
import { type ParsedCertificate } from '../pki/certificate.ts';
import { parseTimestampToken, verifyTimestampToken, type ParsedTimestampToken, type TimestampVerification } from '../tsa/token.ts';
import { contentsAt, coversRevision, type SignatureEntry } from './byte-range.ts';
import { certificateOf } from '../pki/memo.ts';

export interface CryptoCheck {
  kind: 'signature' | 'document-timestamp';
  subFilter: string;
  /** The /Contents parsed as CMS (or a timestamp token). */
  parsed: boolean;
  coversRevision: boolean;
  digestValid: boolean;
  signatureValid: boolean;
  signer?: ParsedCertificate;
  /** Certificates carried in the CMS (and the timestamp token), for path building. */
  certificates: ParsedCertificate[];
  /** For a signature: its signature timestamp (crypto checked against the signature value). */
  signatureTimestamp?: { check: TimestampVerification; certificates: ParsedCertificate[] };
  /** For a document timestamp: the token's time. */
  genTime?: Date;
  problems: string[];
}

/** The digest of the signed bytes: the two ranges, without /Contents. */
function signedDigest(source: Buffer, byteRange: number[], hash: string): Uint8Array {
  const [, length1 = 0, offset2 = 0, length2 = 0] = byteRange;
  return new Uint8Array(
    createHash(hash)
      .update(source.subarray(0, length1))
      .update(source.subarray(offset2, offset2 + length2))
      .digest(),
  );
}

export function checkCrypto(source: Buffer, entry: SignatureEntry): CryptoCheck {
  const subFilter = (entry.dict.get(PDFName.of('SubFilter'))?.toString() ?? '').replace(/^\//, '');
  const kind = subFilter === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature';
  const contents = contentsAt(source, entry.byteRange);
  const check: CryptoCheck = {
    kind,
    subFilter,
    parsed: false,
    coversRevision: coversRevision(source, entry.byteRange, contents),
    digestValid: false,
    signatureValid: false,
    certificates: [],
    problems: [],
  };
  if (!check.coversRevision) check.problems.push('byte range does not cover the signed revision exactly');
  if (!contents.length || entry.byteRange.length !== 4) {
    check.problems.push('no signature value (/Contents)');
    return check;
  }
  try {
    const der = contents.subarray(0, readDer(contents).end);
    if (kind === 'document-timestamp') {
      const token = parseTimestampToken(der);
      check.certificates = token.signed.certificates.map((der) => certificateOf(der));
      check.parsed = true;
      const result = verifyTimestampToken(token, { digest: signedDigest(source, entry.byteRange, token.tstInfo.messageImprint.hashName ?? 'sha256') });
      check.digestValid = result.imprintMatches === true;
      check.signatureValid = result.signatureVerifies === true;
      check.signer = result.tsaCertificate;
      check.genTime = result.genTime;
      check.problems.push(...result.problems);
    } else {
      const parsed = parseSignedData(der);
      check.certificates = parsed.certificates.map((der) => certificateOf(der));
      check.parsed = true;
      const digest = signedDigest(source, entry.byteRange, parsed.digestName ?? 'sha256');
      const result = verifyCmsSignature(parsed, digest, { requireSigningCertificate: subFilter !== 'adbe.pkcs7.detached' });
      check.digestValid = result.digestMatches;
      check.signatureValid = result.signatureVerifies && result.attributesValid;
      check.signer = result.signerCertificate;
      check.problems.push(...result.problems);
      if (parsed.timestampToken) {
        const token: ParsedTimestampToken = parseTimestampToken(parsed.timestampToken);
        check.signatureTimestamp = { check: verifyTimestampToken(token, { data: parsed.signature }), certificates: token.signed.certificates.map((der) => certificateOf(der)) };
      }
    }
  } catch (error) {
    check.problems.push(`signature could not be parsed: ${(error as Error).message}`);
  }
  return check;
}
