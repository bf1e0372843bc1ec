/**
 * Gathers what a /DSS needs for the signatures in a document: every certificate of every
 * chain (signers, the TSAs of signature and document timestamps, issuing CAs, root) and
 * revocation data for each of them except the self-signed root: a verified OCSP response for
 * each end-entity certificate where one can be had, and the CRL of the issuer for every
 * certificate OCSP does not cover (the issuing CAs, under the root's CRL). CRLs come from the
 * platform's own authorities or, for a CA whose key the platform does not hold (an external
 * root or TSA), from the certificate's distribution point.
 */
import { createHash } from 'node:crypto';
import { readDer } from '../asn1/der.ts';
import { parseSignedData } from '../cms/parse.ts';
import { oids } from '../asn1/oids.ts';
import type { IssuingAuthority, Pki } from '../pki/authority.ts';
import { isIssuedBy, parseCertificate, type ParsedCertificate } from '../pki/certificate.ts';
import { fetchCrl as fetchCrlOverHttp, issueCrl, verifyCrl } from '../revocation/crl.ts';
import { buildOcspRequest, fetchOcsp as fetchOcspOverHttp, verifyOcspResponse, type OcspResponder } from '../revocation/ocsp.ts';
import type { ValidationMaterial } from './ltv.ts';
import { signatureContents } from './ltv.ts';

export interface CollectOptions {
  /**
   * Fetches a CRL from a distribution point, for certificates whose issuer the platform does
   * not hold (default: HTTP GET with a 10 s timeout; `false`: never fetch).
   */
  fetchCrl?: ((url: string) => Promise<Uint8Array>) | false;
  /**
   * Asks an OCSP responder named in a certificate, when the platform's responder cannot
   * answer for it (default: HTTP POST with a 10 s timeout; `false`: never fetch).
   */
  fetchOcsp?: ((url: string, requestDer: Uint8Array) => Promise<Uint8Array>) | false;
  now?: Date;
}

export interface CollectedValidationMaterial {
  material: ValidationMaterial;
  /** The raw /Contents of every signature and document timestamp (VRI keys). */
  contents: Uint8Array[];
  /** Certificates (subject) for which no revocation data could be obtained: the DSS does not reach B-LT for them. */
  missing: string[];
}

const fingerprint = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
const selfSigned = (certificate: ParsedCertificate) => Buffer.compare(certificate.issuer, certificate.subject) === 0 && isIssuedBy(certificate, certificate);
const sameCertificate = (a: ParsedCertificate, b: ParsedCertificate) => Buffer.compare(a.der, b.der) === 0;

export async function collectValidationMaterial(pdf: Uint8Array, pki: Pki, ocsp: OcspResponder, options: CollectOptions = {}): Promise<CollectedValidationMaterial> {
  const now = options.now ?? new Date();
  const fetchCrl = options.fetchCrl === false ? undefined : (options.fetchCrl ?? ((url: string) => fetchCrlOverHttp(url)));
  const fetchOcsp = options.fetchOcsp === false ? undefined : (options.fetchOcsp ?? ((url: string, der: Uint8Array) => fetchOcspOverHttp(url, der)));
  const contents = await signatureContents(pdf);

  // Everything that can help build chains; only certificates of chains go into the DSS.
  const pool = new Map<string, ParsedCertificate>();
  const remember = (der: Uint8Array) => {
    const key = fingerprint(der);
    const known = pool.get(key);
    if (known) return known;
    const parsed = parseCertificate(der);
    pool.set(key, parsed);
    return parsed;
  };
  const leaves: ParsedCertificate[] = [];
  const fromSignedData = (der: Uint8Array) => {
    const signed = parseSignedData(der);
    signed.certificates.forEach(remember);
    if (signed.signerCertificate) leaves.push(remember(signed.signerCertificate.der));
    return signed;
  };
  for (const value of contents) {
    // A signature's CMS, or a document timestamp's token (whose signer is the TSA).
    const signed = fromSignedData(value.subarray(0, readDer(value).end));
    if (signed.timestampToken) fromSignedData(signed.timestampToken);
  }
  for (const der of [pki.root.der, ...pki.tsa.chain, pki.tsa.certificate.der, ...pki.authorities.flatMap((ca) => [ca.certificate.der, ...ca.chain])]) remember(der);

  // Chains: leaf → issuers → self-signed root, every certificate once.
  const inChains = new Map<string, { certificate: ParsedCertificate; issuer?: ParsedCertificate }>();
  const all = () => [...pool.values()];
  for (const leaf of leaves) {
    let current: ParsedCertificate | undefined = leaf;
    for (let depth = 0; current && depth < 8; depth++) {
      const key = fingerprint(current.der);
      if (inChains.has(key)) break;
      if (selfSigned(current)) {
        inChains.set(key, { certificate: current });
        break;
      }
      const issuer: ParsedCertificate | undefined = all().find((candidate) => !sameCertificate(candidate, current!) && isIssuedBy(current!, candidate));
      inChains.set(key, { certificate: current, issuer });
      current = issuer;
    }
  }

  const certs = new Map<string, Uint8Array>();
  for (const [key, { certificate }] of inChains) certs.set(key, certificate.der);
  const ocsps: Uint8Array[] = [];
  const crls = new Map<string, Uint8Array>();
  const missing: string[] = [];

  const heldAuthority = (issuer: ParsedCertificate): IssuingAuthority | undefined => pki.authorities.find((ca) => sameCertificate(ca.certificate, issuer));
  const tryOcsp = async (certificate: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> => {
    const request = buildOcspRequest({ certificate, issuer, nonce: false }).der;
    const ask = [() => ocsp(request), ...(fetchOcsp ? certificate.ocspUrls.map((url) => () => fetchOcsp(url, request)) : [])];
    for (const attempt of ask) {
      let response: Uint8Array;
      try {
        response = await attempt();
      } catch {
        continue;
      }
      const check = verifyOcspResponse(response, { certificate, issuer, now });
      if (!check.valid || !check.response || check.response.status === 'unknown') continue;
      const delegate = check.signer && !sameCertificate(check.signer, issuer) ? check.signer : undefined;
      // A delegated responder without id-pkix-ocsp-nocheck needs revocation data of its own.
      if (delegate && !delegate.extensions.has(oids.ocspNoCheck) && !(await tryCrl(delegate, issuer))) continue;
      ocsps.push(response);
      // The delegated responder's certificate goes in as well (its chain is the issuer's).
      if (delegate) certs.set(fingerprint(delegate.der), delegate.der);
      return true;
    }
    return false;
  };
  const tryCrl = async (certificate: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> => {
    const key = fingerprint(issuer.der);
    if (crls.has(key)) return true;
    const authority = heldAuthority(issuer);
    const candidates: (() => Promise<Uint8Array>)[] = [];
    if (authority) candidates.push(() => issueCrl(authority, pki.statusStore, { now }));
    if (fetchCrl) candidates.push(...certificate.crlUrls.map((url) => () => fetchCrl(url)));
    for (const candidate of candidates) {
      let crl: Uint8Array;
      try {
        crl = await candidate();
      } catch {
        continue;
      }
      if (!verifyCrl(crl, { issuer, certificate, now }).valid) continue;
      crls.set(key, crl);
      return true;
    }
    return false;
  };

  for (const { certificate, issuer } of inChains.values()) {
    if (!issuer) {
      if (!selfSigned(certificate)) missing.push(`${certificate.subjectText}: issuer not found`);
      continue;
    }
    // OCSP for end-entity certificates (a responder with id-pkix-ocsp-nocheck needs none);
    // the issuer's CRL for CAs and whatever OCSP could not cover.
    const noCheck = certificate.extensions.has(oids.ocspNoCheck);
    const covered = (!certificate.isCa && !noCheck && (await tryOcsp(certificate, issuer))) || (await tryCrl(certificate, issuer));
    if (!covered) missing.push(`${certificate.subjectText}: no revocation data`);
  }

  return { material: { certs: [...certs.values()], ocsps, crls: [...crls.values()] }, contents, missing };
}
