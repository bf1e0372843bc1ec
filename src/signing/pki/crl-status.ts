/**
 * Certificate status from CRLs (RFC 5280 §6.3): distribution points and issuing distribution
 * points must match in issuer and scope, reason masks accumulate until every reason is covered,
 * indirect CRLs name the issuer of each entry, delta CRLs apply on top of their base, and the
 * key that signed a CRL must itself validate to the same trust anchors (cRLSign, unrevoked).
 * Anything less leaves the status unknown, never good.
 */
import type { KeyObject } from 'node:crypto';
import { bytesEqual, parseDer, type DerElement } from '../asn1/der.ts';
import { canonicalRdn } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import type { ParsedCertificate } from './certificate.ts';
import type { ParsedCrl } from './crl.ts';
import { buildAndValidate, nameKey, sameCertificate, verifySignature, workingKeyOf, type PathContext, type RevocationAnswer, type RevocationChecker } from './path-validation.ts';

const idp = '2.5.29.28';
const deltaIndicator = '2.5.29.27';
const freshest = '2.5.29.46';
const knownCrlExtensions = new Set([oids.authorityKeyIdentifier, oids.crlNumber, idp, deltaIndicator, freshest, '2.5.29.18' /* issuerAltName */]);
const allReasons = 0x1fe; // keyCompromise … aACompromise (bits 1–8)
const removeFromCrl = 8;

interface DistributionPoint {
  /** Comparison keys of the names (full names, or the name relative to the CRL issuer). */
  names?: string[];
  reasons: number;
  crlIssuers?: string[];
}

function generalNameKeys(names: DerElement): string[] {
  return names.children().map((n) => (n.contextTag === 4 ? 'dn:' + nameKey(n.inner().bytes) : 'gn:' + Buffer.from(n.bytes).toString('hex')));
}

function reasonBits(element: DerElement | undefined): number {
  if (!element) return allReasons;
  const payload = element.content.subarray(1);
  let mask = 0;
  payload.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) mask |= 1 << (i * 8 + b);
  });
  return mask & allReasons;
}

/** DistributionPointName: [0] fullName or [1] nameRelativeToCRLIssuer under `relativeTo`. */
function pointNames(element: DerElement | undefined, relativeTo: Uint8Array[]): string[] | undefined {
  const name = element?.inner();
  if (!name) return undefined;
  if (name.contextTag === 0) return generalNameKeys(name);
  const rdn = canonicalRdn(Uint8Array.of(0x31, ...lengthOctets(name.content.length), ...name.content));
  return relativeTo.map((issuer) => 'dn:' + [nameKey(issuer), rdn].filter(Boolean).join('/'));
}

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let l = length; l > 0; l >>= 8) bytes.unshift(l & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function distributionPoints(certificate: ParsedCertificate): DistributionPoint[] {
  const extension = certificate.extensions.get(oids.crlDistributionPoints);
  if (!extension) return [{ reasons: allReasons }];
  return parseDer(extension.value)
    .children()
    .map((point) => {
      const crlIssuer = point.tagged(2);
      const crlIssuerNames = crlIssuer
        ? crlIssuer
            .children()
            .filter((n) => n.contextTag === 4)
            .map((n) => n.inner().bytes)
        : [];
      return {
        names: pointNames(point.tagged(0), crlIssuer ? crlIssuerNames : [certificate.issuer]),
        reasons: reasonBits(point.tagged(1)),
        crlIssuers: crlIssuer ? crlIssuerNames.map(nameKey) : undefined,
      };
    });
}

interface Scope {
  names?: string[];
  onlyUser: boolean;
  onlyCa: boolean;
  onlyAttribute: boolean;
  reasons: number;
  indirect: boolean;
}

function scopeOf(crl: ParsedCrl): Scope {
  const value = crl.extensions.get(idp)?.value;
  const element = value ? parseDer(value) : undefined;
  const flag = (n: number) => (element?.tagged(n)?.content[0] ?? 0) !== 0;
  return {
    names: pointNames(element?.tagged(0), [crl.issuer]),
    onlyUser: flag(1),
    onlyCa: flag(2),
    onlyAttribute: flag(5),
    reasons: reasonBits(element?.tagged(3)),
    indirect: flag(4),
  };
}

const deltaBase = (crl: ParsedCrl) => {
  const value = crl.extensions.get(deltaIndicator)?.value;
  return value ? parseDer(value).bigint() : undefined;
};
const usable = (crl: ParsedCrl, time: Date) => (!crl.nextUpdate || crl.nextUpdate >= time) && [...crl.extensions].every(([id, e]) => !e.critical || knownCrlExtensions.has(id));

/** The keys that may have signed `crl` for `certificate`: validated CRL issuer certificates, each with cRLSign. */
function crlSigners(crl: ParsedCrl, path: ParsedCertificate[], context: PathContext & { crls: ParsedCrl[] }, depth: number): ParsedCertificate[] {
  const issuerKey = nameKey(crl.issuer);
  // The path so far is being validated already; a CRL issuer may cover its own certificate.
  const trusted = [...context.anchors, ...path];
  const candidates = [...trusted, ...context.pool.filter((c) => !trusted.some((t) => sameCertificate(t, c)))];
  return candidates.filter((candidate) => {
    if (nameKey(candidate.subject) !== issuerKey) return false;
    if (candidate.extensions.has(oids.keyUsage) && !candidate.keyUsage.includes('cRLSign')) return false;
    const key = keyOf(candidate, [...path, ...context.anchors, ...context.pool]);
    if (!key || !verifySignature(key, crl.signatureAlgorithm, crl.tbs, crl.signature)) return false;
    if (trusted.some((t) => sameCertificate(t, candidate))) return true;
    if (depth >= 3) return false;
    return buildAndValidate(candidate, 'crl-issuer', context, depth + 1).ok;
  });
}

/** The candidate's key, with DSA parameters inherited from a certificate of its issuer when it has none. */
function keyOf(candidate: ParsedCertificate, others: ParsedCertificate[]): KeyObject | undefined {
  try {
    return workingKeyOf(candidate).key;
  } catch {
    for (const other of others) {
      if (nameKey(other.subject) !== nameKey(candidate.issuer)) continue;
      try {
        return workingKeyOf(candidate, workingKeyOf(other)).key;
      } catch {
        continue;
      }
    }
    return undefined;
  }
}

const serialCache = new WeakMap<ParsedCertificate, Uint8Array>();
/** The certificate's serialNumber INTEGER content, as CRL entries write it. */
function serialContent(certificate: ParsedCertificate): Uint8Array {
  let serial = serialCache.get(certificate);
  if (!serial) {
    const tbs = parseDer(certificate.tbs);
    serial = tbs.at(tbs.children()[0]?.contextTag === 0 ? 1 : 0).content;
    serialCache.set(certificate, serial);
  }
  return serial;
}

function entryFor(crl: ParsedCrl, certificate: ParsedCertificate, scope: Scope) {
  const ownIssuer = nameKey(certificate.issuer);
  return crl.entries.find((entry) => {
    if (!bytesEqual(entry.serial, serialContent(certificate))) return false;
    const issuers = entry.certificateIssuer && scope.indirect ? generalNameKeys(parseDer(entry.certificateIssuer)) : ['dn:' + nameKey(crl.issuer)];
    return issuers.includes('dn:' + ownIssuer);
  });
}

/** A revocation checker over a set of CRLs (the DSS's, a test suite's, or fetched ones). */
export function crlChecker(crls: ParsedCrl[]): RevocationChecker {
  return (certificate, issuer, path, context, depth) => crlStatus(certificate, issuer, path, { ...context, crls }, depth);
}

export function crlStatus(certificate: ParsedCertificate, _issuer: ParsedCertificate, path: ParsedCertificate[], context: PathContext & { crls: ParsedCrl[] }, depth: number): RevocationAnswer {
  // CRLs speak for the time the object was made (validity of certificates is checked at `time`).
  const time = context.revocationTime ?? context.time;
  let reasonsMask = 0;
  const isCa = certificate.isCa;
  for (const point of distributionPoints(certificate)) {
    for (const crl of context.crls) {
      if (deltaBase(crl) !== undefined || !usable(crl, time)) continue;
      const scope = scopeOf(crl);
      if (point.crlIssuers) {
        if (!point.crlIssuers.includes(nameKey(crl.issuer)) || !scope.indirect) continue;
      } else if (nameKey(crl.issuer) !== nameKey(certificate.issuer)) continue;
      if (scope.names) {
        const ours = point.names ?? point.crlIssuers?.map((n) => 'dn:' + n);
        if (!ours || !ours.some((n) => scope.names!.includes(n))) continue;
      }
      if ((scope.onlyUser && isCa) || (scope.onlyCa && !isCa) || scope.onlyAttribute) continue;
      const interim = scope.reasons & point.reasons;
      if ((interim & ~reasonsMask) === 0) continue;
      if (crl.entries.some((e) => e.unknownCritical.length)) continue;
      const signers = crlSigners(crl, path, context, depth);
      if (!signers.length) continue;
      const delta = context.crls.find((d) => {
        const base = deltaBase(d);
        return (
          base !== undefined &&
          crl.crlNumber !== undefined &&
          base <= crl.crlNumber &&
          usable(d, time) &&
          nameKey(d.issuer) === nameKey(crl.issuer) &&
          bytesEqual(d.extensions.get(idp)?.value ?? new Uint8Array(), crl.extensions.get(idp)?.value ?? new Uint8Array()) &&
          signers.some((s) => verifySignature(s.publicKey, d.signatureAlgorithm, d.tbs, d.signature))
        );
      });
      const fromDelta = delta ? entryFor(delta, certificate, scope) : undefined;
      if (fromDelta && fromDelta.reasonCode === removeFromCrl) {
        reasonsMask |= interim;
        continue;
      }
      const entry = fromDelta ?? entryFor(crl, certificate, scope);
      if (entry && entry.reasonCode !== removeFromCrl) return { status: 'revoked', revokedAt: entry.revokedAt, source: 'crl' };
      reasonsMask |= interim;
    }
  }
  return reasonsMask === allReasons ? { status: 'good', source: 'crl' } : { status: 'unknown' };
}
