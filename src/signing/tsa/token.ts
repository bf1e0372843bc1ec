/** Parsing and verification of RFC 3161 TimeStampTokens. */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../asn1/der.ts';
import { oids } from '../asn1/oids.ts';
import { digestFor, parseSignedData, verifyCmsSignature, type ParsedSignedData } from '../cms/parse.ts';
import { isTimestampingCertificate, isValidAt, type ParsedCertificate } from '../pki/certificate.ts';
import { parseTstInfo, type TstInfo } from './protocol.ts';

export interface ParsedTimestampToken {
  der: Uint8Array;
  signed: ParsedSignedData;
  tstInfo: TstInfo;
}

export function parseTimestampToken(der: Uint8Array): ParsedTimestampToken {
  const signed = parseSignedData(der);
  if (signed.eContentType !== oids.tstInfo || !signed.eContent) throw new Error('TSP: token does not encapsulate a TSTInfo');
  return { der, signed, tstInfo: parseTstInfo(signed.eContent) };
}

export interface TimestampVerification {
  valid: boolean;
  problems: string[];
  genTime?: Date;
  tsaCertificate?: ParsedCertificate;
  tstInfo?: TstInfo;
  /** The token's message imprint equals the digest of the time-stamped data. */
  imprintMatches?: boolean;
  /** The CMS signature over the TSTInfo verifies under the TSA certificate. */
  signatureVerifies?: boolean;
}

/**
 * Checks a token against the time-stamped data (or its digest under the imprint's
 * algorithm): imprint matches, CMS signature valid, ESSCertID names the TSA certificate,
 * which has a critical timeStamping EKU and was valid at genTime. Trust in the TSA chain
 * is left to the caller (`tsaCertificate`); `extraCertificates` supplies the TSA
 * certificate when the token was requested without certReq.
 */
export function verifyTimestampToken(
  token: Uint8Array | ParsedTimestampToken,
  imprint: { data: Uint8Array } | { digest: Uint8Array },
  options: { nonce?: bigint; extraCertificates?: ParsedCertificate[] } = {},
): TimestampVerification {
  let parsed: ParsedTimestampToken;
  try {
    parsed = token instanceof Uint8Array ? parseTimestampToken(token) : token;
  } catch (error) {
    return { valid: false, problems: [(error as Error).message] };
  }
  const { tstInfo, signed } = parsed;
  const problems: string[] = [];
  const { hashName, hashedMessage } = tstInfo.messageImprint;
  let imprintMatches = false;
  if (!hashName) problems.push(`unsupported imprint algorithm ${tstInfo.messageImprint.hashAlgorithm}`);
  else {
    const expected = 'data' in imprint ? createHash(hashName).update(imprint.data).digest() : imprint.digest;
    imprintMatches = bytesEqual(expected, hashedMessage);
    if (!imprintMatches) problems.push('message imprint does not match the time-stamped data');
  }
  if (options.nonce !== undefined && tstInfo.nonce !== options.nonce) problems.push('nonce does not match the request');

  const withCertificate: ParsedSignedData = signed.signerCertificate ? signed : { ...signed, signerCertificate: options.extraCertificates?.find((c) => essLikelyNames(signed, c)) };
  const cms = verifyCmsSignature(withCertificate, digestFor(signed, signed.eContent!));
  problems.push(...cms.problems);
  const tsaCertificate = cms.signerCertificate;
  if (tsaCertificate) {
    if (!isTimestampingCertificate(tsaCertificate)) problems.push('TSA certificate lacks a critical extendedKeyUsage of timeStamping only');
    if (!isValidAt(tsaCertificate, tstInfo.genTime)) problems.push('TSA certificate was not valid at genTime');
  }
  return {
    valid: problems.length === 0,
    problems,
    genTime: tstInfo.genTime,
    tsaCertificate,
    tstInfo,
    imprintMatches,
    signatureVerifies: cms.signatureVerifies && cms.digestMatches && cms.attributesValid,
  };
}

function essLikelyNames(signed: ParsedSignedData, certificate: ParsedCertificate): boolean {
  const sid = signed.signerIdentifier;
  return 'subjectKeyId' in sid
    ? !!certificate.subjectKeyId && bytesEqual(sid.subjectKeyId, certificate.subjectKeyId)
    : sid.serialHex === certificate.serialHex && bytesEqual(sid.issuer, certificate.issuer);
}
