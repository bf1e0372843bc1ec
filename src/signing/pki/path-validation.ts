/**
 * Certification path building and validation (RFC 5280 §6.1) for every certificate the
 * verifier relies on: signers, TSAs, OCSP responders and CRL issuers. Checks name chaining,
 * signatures (with DSA parameter inheritance), validity at the validation time,
 * basicConstraints and pathLen (self-issued certificates not counted), keyUsage, the end
 * entity's purpose, unknown critical extensions, and the revocation of every certificate below
 * the anchor through a `RevocationChecker`. Certificate policies and name constraints are not
 * processed: a certificate carrying policyConstraints, inhibitAnyPolicy, policyMappings or
 * nameConstraints fails rather than being accepted without those rules.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bytesEqual, encode, oid, parseDer, raw, seq } from '../asn1/der.ts';
import { canonicalName } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import type { ParsedCertificate } from './certificate.ts';
import { rememberedCheck } from './check-memo.ts';

/** Why a path failed, in ETSI EN 319 102-1 sub-indication terms. */
export type PathFailure = 'NO_CERTIFICATE_CHAIN_FOUND' | 'CERTIFICATE_CHAIN_GENERAL_FAILURE' | 'CHAIN_CONSTRAINTS_FAILURE' | 'EXPIRED' | 'NOT_YET_VALID' | 'REVOKED' | 'TRY_LATER';

export type Purpose = 'signer' | 'timestamping' | 'ocsp-responder' | 'crl-issuer' | 'any';

export interface RevocationAnswer {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  /** Where the answer came from (dss, lookup, crl, ocsp…), for the report. */
  source?: string;
}

export interface PathContext {
  anchors: ParsedCertificate[];
  /** Certificates offered to the builder (CMS certificates, DSS /Certs, …). */
  pool: ParsedCertificate[];
  /** The validation time: when the signed object is proven to exist (validity is checked then). */
  time: Date;
  /**
   * When the signed object was made (default `time`): revocation must be shown for this time,
   * and a revocation after it does not undo what was signed before (ETSI EN 319 102-1).
   */
  revocationTime?: Date;
  /** Revocation of `certificate` issued by `issuer` (the previous path element or the anchor). */
  revocation?: RevocationChecker;
}

export type RevocationChecker = (certificate: ParsedCertificate, issuer: ParsedCertificate, path: ParsedCertificate[], context: PathContext, depth: number) => RevocationAnswer;

/** On success, `revocation` holds the answer for each certificate of `path`, in its order (target first). */
export type PathResult =
  | { ok: true; path: ParsedCertificate[]; anchor: ParsedCertificate; revocation: RevocationAnswer[] }
  | { ok: false; failure: PathFailure; problem: string; path: ParsedCertificate[]; revokedAt?: Date; revocationSource?: string; failedCertificate?: ParsedCertificate };

const ext = {
  nameConstraints: '2.5.29.30',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  freshestCrl: '2.5.29.46',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  subjectDirectoryAttributes: '2.5.29.9',
};
const understood = new Set<string>([
  oids.basicConstraints,
  oids.keyUsage,
  oids.extKeyUsage,
  oids.certificatePolicies,
  oids.subjectKeyIdentifier,
  oids.authorityKeyIdentifier,
  oids.crlDistributionPoints,
  oids.authorityInfoAccess,
  oids.ocspNoCheck,
  ext.subjectAltName,
  ext.issuerAltName,
  ext.freshestCrl,
  ext.subjectInfoAccess,
  ext.subjectDirectoryAttributes,
]);
const unsupported = [ext.nameConstraints, ext.policyMappings, ext.policyConstraints, ext.inhibitAnyPolicy];

const signatureHashes = new Map<string, string>([
  ['1.2.840.113549.1.1.5', 'sha1'],
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  ['1.2.840.10045.4.1', 'sha1'],
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
  ['1.2.840.10040.4.3', 'sha1'],
  ['2.16.840.1.101.3.4.3.2', 'sha256'],
]);
const dsaKey = '1.2.840.10040.4.1';

/** A public key with the DSA parameters of its issuer applied when it omits its own (RFC 5280 §6.1.4 (f)). */
export interface WorkingKey {
  key: KeyObject;
  dsaParameters?: Uint8Array;
}

export function workingKeyOf(certificate: ParsedCertificate, previous?: WorkingKey): WorkingKey {
  const spki = parseDer(certificate.spki);
  const algorithm = spki.at(0);
  if (algorithm.at(0).oid() !== dsaKey) return { key: certificate.publicKey };
  const own = algorithm.children()[1];
  if (own) return { key: certificate.publicKey, dsaParameters: own.bytes };
  if (!previous?.dsaParameters) throw new Error('DSA key without parameters and none to inherit');
  const rebuilt = encode(seq(seq(oid(dsaKey), raw(previous.dsaParameters)), raw(spki.at(1).bytes)));
  return { key: createPublicKey({ key: Buffer.from(rebuilt), format: 'der', type: 'spki' }), dsaParameters: previous.dsaParameters };
}

/** Whether `signature` over `data` (algorithm OID from the signed structure) verifies under `key`. */
export function verifySignature(key: KeyObject, algorithm: string, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = signatureHashes.get(algorithm);
  if (!hash) return false;
  return rememberedCheck(key, algorithm, data, signature, () => {
    try {
      return cryptoVerify(hash, data, { key, dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  });
}

const nameCache = new WeakMap<Uint8Array, string>();
/** Comparison form of a DER name (cached: the builder compares the same names often). */
export function nameKey(der: Uint8Array): string {
  let key = nameCache.get(der);
  if (key === undefined) {
    try {
      key = canonicalName(der);
    } catch {
      key = 'raw:' + Buffer.from(der).toString('hex');
    }
    nameCache.set(der, key);
  }
  return key;
}

export const sameCertificate = (a: ParsedCertificate, b: ParsedCertificate) => bytesEqual(a.der, b.der);
export const isSelfIssued = (c: ParsedCertificate) => nameKey(c.subject) === nameKey(c.issuer);

function version(certificate: ParsedCertificate): number {
  const first = parseDer(certificate.tbs).children()[0];
  return first?.contextTag === 0 ? first.inner().number() + 1 : 1;
}

function pathLength(certificate: ParsedCertificate): number | undefined {
  const basic = certificate.extensions.get(oids.basicConstraints);
  if (!basic) return undefined;
  const second = parseDer(basic.value).children()[1];
  return second ? second.number() : undefined;
}

function purposeProblem(leaf: ParsedCertificate, purpose: Purpose): string | undefined {
  const eku = leaf.extendedKeyUsage;
  switch (purpose) {
    case 'signer':
      if (leaf.extensions.has(oids.keyUsage) && !leaf.keyUsage.includes('digitalSignature') && !leaf.keyUsage.includes('nonRepudiation'))
        return 'signer certificate lacks keyUsage digitalSignature / nonRepudiation';
      return undefined;
    case 'timestamping':
      if (!eku || !eku.critical || eku.purposes.length !== 1 || eku.purposes[0] !== oids.kpTimeStamping) return 'TSA certificate lacks a critical extendedKeyUsage of timeStamping only';
      return undefined;
    case 'ocsp-responder':
      if (!eku?.purposes.includes(oids.kpOcspSigning)) return 'OCSP responder certificate lacks extendedKeyUsage OCSPSigning';
      return undefined;
    case 'crl-issuer':
      if (leaf.extensions.has(oids.keyUsage) && !leaf.keyUsage.includes('cRLSign')) return 'CRL issuer lacks keyUsage cRLSign';
      return undefined;
    default:
      return undefined;
  }
}

function failure(f: PathFailure, problem: string, path: ParsedCertificate[], failedCertificate?: ParsedCertificate, revocation?: RevocationAnswer): PathResult {
  return {
    ok: false,
    failure: f,
    problem,
    path,
    ...(failedCertificate ? { failedCertificate } : {}),
    ...(revocation?.revokedAt ? { revokedAt: revocation.revokedAt } : {}),
    ...(revocation?.source ? { revocationSource: revocation.source } : {}),
  };
}

/**
 * RFC 5280 §6.1 basic path processing of `path` (target first, the certificate the anchor
 * issued last) under `anchor`.
 */
export function validatePath(path: ParsedCertificate[], anchor: ParsedCertificate, purpose: Purpose, context: PathContext, depth = 0): PathResult {
  const ordered = [...path].reverse();
  let working: WorkingKey = workingKeyOf(anchor);
  let workingIssuer = nameKey(anchor.subject);
  let maxPathLength = ordered.length;
  const answers: RevocationAnswer[] = [];
  for (const [i, certificate] of ordered.entries()) {
    const last = i === ordered.length - 1;
    const issuer = i === 0 ? anchor : ordered[i - 1]!;
    const label = certificate.subjectText || '(empty subject)';
    if (nameKey(certificate.issuer) !== workingIssuer) return failure('CERTIFICATE_CHAIN_GENERAL_FAILURE', `${label}: issuer name does not chain`, path, certificate);
    if (!verifySignature(working.key, certificate.signatureAlgorithm, certificate.tbs, certificate.signature))
      return failure('CERTIFICATE_CHAIN_GENERAL_FAILURE', `${label}: signature does not verify under its issuer's key`, path, certificate);
    if (context.time < certificate.notBefore) return failure('NOT_YET_VALID', `${label}: not valid before ${certificate.notBefore.toISOString()}`, path, certificate);
    if (context.time > certificate.notAfter) return failure('EXPIRED', `${label}: expired ${certificate.notAfter.toISOString()}`, path, certificate);
    for (const [id, e] of certificate.extensions) {
      if (unsupported.includes(id)) return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: extension ${id} (policy / name constraints) is not supported`, path, certificate);
      if (e.critical && !understood.has(id)) return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: unknown critical extension ${id}`, path, certificate);
    }
    if (context.revocation) {
      const answer = context.revocation(certificate, issuer, ordered.slice(0, i + 1), context, depth);
      answers.push(answer);
      if (answer.status === 'revoked' && (!answer.revokedAt || answer.revokedAt <= (context.revocationTime ?? context.time)))
        return failure('REVOKED', `${label}: revoked${answer.revokedAt ? ' ' + answer.revokedAt.toISOString() : ''}`, path, certificate, answer);
      if (answer.status === 'unknown') return failure('TRY_LATER', `${label}: revocation status unknown`, path, certificate);
    }
    if (last) {
      const problem = purposeProblem(certificate, purpose);
      if (problem) return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: ${problem}`, path, certificate);
      break;
    }
    if (version(certificate) < 3 || !certificate.isCa) return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: used as an issuer but is not a CA (basicConstraints cA)`, path, certificate);
    if (!isSelfIssued(certificate)) {
      if (maxPathLength <= 0) return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: path length constraint exceeded`, path, certificate);
      maxPathLength--;
    }
    const constraint = pathLength(certificate);
    if (constraint !== undefined && constraint < maxPathLength) maxPathLength = constraint;
    if (certificate.extensions.has(oids.keyUsage) && !certificate.keyUsage.includes('keyCertSign'))
      return failure('CHAIN_CONSTRAINTS_FAILURE', `${label}: issuer lacks keyUsage keyCertSign`, path, certificate);
    try {
      working = workingKeyOf(certificate, working);
    } catch (error) {
      return failure('CERTIFICATE_CHAIN_GENERAL_FAILURE', `${label}: ${(error as Error).message}`, path, certificate);
    }
    workingIssuer = nameKey(certificate.subject);
  }
  return { ok: true, path, anchor, revocation: answers.reverse() };
}

const failureRank: PathFailure[] = ['NO_CERTIFICATE_CHAIN_FOUND', 'CERTIFICATE_CHAIN_GENERAL_FAILURE', 'TRY_LATER', 'NOT_YET_VALID', 'EXPIRED', 'CHAIN_CONSTRAINTS_FAILURE', 'REVOKED'];

/**
 * Builds every path from `target` up to a trust anchor through `context.pool` (issuer names
 * chaining, no certificate twice) and returns the first that validates, or the most telling
 * failure. An anchor offered as the target itself is trusted as is.
 */
export function buildAndValidate(target: ParsedCertificate, purpose: Purpose, context: PathContext, depth = 0): PathResult {
  if (context.anchors.some((a) => sameCertificate(a, target))) return { ok: true, path: [], anchor: target, revocation: [] };
  let best: PathResult = failure('NO_CERTIFICATE_CHAIN_FOUND', `${target.subjectText}: no chain to a trusted root`, [target]);
  const better = (result: PathResult) => {
    if (!result.ok && !best.ok && failureRank.indexOf(result.failure) > failureRank.indexOf(best.failure)) best = result;
  };
  const explore = (path: ParsedCertificate[]): PathResult | undefined => {
    const top = path[path.length - 1]!;
    const issuerKey = nameKey(top.issuer);
    for (const anchor of context.anchors) {
      if (nameKey(anchor.subject) !== issuerKey) continue;
      const result = validatePath(path, anchor, purpose, context, depth);
      if (result.ok) return result;
      better(result);
    }
    if (path.length > 8) return undefined;
    for (const candidate of context.pool) {
      if (nameKey(candidate.subject) !== issuerKey || path.some((p) => sameCertificate(p, candidate))) continue;
      if (context.anchors.some((a) => sameCertificate(a, candidate))) continue;
      const found = explore([...path, candidate]);
      if (found) return found;
    }
    return undefined;
  };
  return explore([target]) ?? best;
}
