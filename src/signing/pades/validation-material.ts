/**
 * Gathers what a /DSS needs for the platform's own signatures: every certificate of every
 * chain (signers, CAs, TSA, root), a fresh OCSP response for each signer certificate and the
 * CRL of each issuing CA.
 */
import { parseSignedData } from '../cms/parse.ts';
import type { Pki } from '../pki/authority.ts';
import { isIssuedBy, parseCertificate, type ParsedCertificate } from '../pki/certificate.ts';
import { issueCrl } from '../revocation/crl.ts';
import { buildOcspRequest, type OcspResponder } from '../revocation/ocsp.ts';
import { parseTimestampToken } from '../tsa/token.ts';
import type { ValidationMaterial } from './ltv.ts';
import { signatureContents } from './ltv.ts';
import { readDer } from '../asn1/der.ts';

export async function collectValidationMaterial(pdf: Uint8Array, pki: Pki, ocsp: OcspResponder): Promise<{ material: ValidationMaterial; contents: Uint8Array[] }> {
  const contents = await signatureContents(pdf);
  const certificates = new Map<string, ParsedCertificate>();
  const add = (der: Uint8Array) => {
    const parsed = parseCertificate(der);
    certificates.set(parsed.serialHex + parsed.subjectText, parsed);
  };
  const signers: ParsedCertificate[] = [];
  for (const value of contents) {
    const der = value.subarray(0, readDer(value).end);
    const signed = parseSignedData(der);
    signed.certificates.forEach(add);
    if (signed.signerCertificate) signers.push(signed.signerCertificate);
    if (signed.timestampToken) parseTimestampToken(signed.timestampToken).signed.certificates.forEach(add);
  }
  for (const der of [pki.root.der, pki.tsa.certificate.der, ...pki.authorities.map((ca) => ca.certificate.der)]) add(der);

  const ocsps: Uint8Array[] = [];
  const all = [...certificates.values()];
  for (const signer of signers) {
    const issuer = all.find((candidate) => isIssuedBy(signer, candidate));
    if (!issuer) continue;
    ocsps.push(await ocsp(buildOcspRequest({ certificate: signer, issuer, nonce: false }).der));
  }
  const crls = await Promise.all(pki.authorities.filter((ca) => ca.name !== 'root').map((ca) => issueCrl(ca, pki.statusStore)));
  return { material: { certs: all.map((c) => c.der), ocsps, crls }, contents };
}
