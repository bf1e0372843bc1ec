/** Parsing and verification of CMS SignedData (PAdES signatures and RFC 3161 tokens). */
import { createHash } from 'node:crypto';
import { bytesEqual, parseDer, retag, Tag, type DerElement } from '../asn1/der.ts';
import { hashNameOf, oids, type HashName } from '../asn1/oids.ts';
import { serialHex, type ParsedCertificate } from '../pki/certificate.ts';
import { verifyWithKey } from '../pki/keys.ts';
import { certificateOf } from '../pki/memo.ts';

export interface ParsedAttribute {
  type: string;
  values: DerElement[];
}

export type SignerIdentifier = { issuer: Uint8Array; serialHex: string } | { subjectKeyId: Uint8Array };

export interface ParsedSignedData {
  der: Uint8Array;
  version: number;
  eContentType: string;
  /** Encapsulated content when attached (TSTInfo in a timestamp token). */
  eContent?: Uint8Array;
  certificates: Uint8Array[];
  signerIdentifier: SignerIdentifier;
  /** The certificate among `certificates` that `signerIdentifier` names, if present. */
  signerCertificate?: ParsedCertificate;
  digestAlgorithm: string;
  digestName?: HashName;
  /** Signed attributes re-tagged as SET OF: the exact bytes the signature covers. */
  signedAttributesDer?: Uint8Array;
  signedAttributes: ParsedAttribute[];
  signatureAlgorithm: string;
  signature: Uint8Array;
  unsignedAttributes: ParsedAttribute[];
  messageDigest?: Uint8Array;
  contentTypeAttribute?: string;
  /** The signature timestamp (id-aa-signatureTimeStampToken), ContentInfo DER. */
  timestampToken?: Uint8Array;
}

function readAttributes(set: DerElement | undefined): ParsedAttribute[] {
  return (set?.children() ?? []).map((a) => ({ type: a.at(0).oid(), values: a.at(1).children() }));
}

const first = (attributes: ParsedAttribute[], type: string) => attributes.find((a) => a.type === type)?.values[0];

export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const contentInfo = parseDer(der).expect(Tag.sequence);
  if (contentInfo.at(0).oid() !== oids.signedData) throw new Error('CMS: not a SignedData ContentInfo');
  const signedData = contentInfo.at(1).inner().expect(Tag.sequence);
  const encapsulated = signedData.at(2, Tag.sequence);
  const eContentWrapper = encapsulated.tagged(0);
  const certificates = (signedData.tagged(0)?.children() ?? []).filter((c) => c.tag === Tag.sequence).map((c) => c.bytes);
  const signerInfos = signedData.children().at(-1)!.expect(Tag.set).children();
  if (signerInfos.length !== 1) throw new Error(`CMS: expected exactly one SignerInfo, found ${signerInfos.length}`);
  const signerInfo = signerInfos[0]!;
  const parts = signerInfo.children();
  const sid = parts[1]!;
  const signerIdentifier: SignerIdentifier = sid.contextTag === 0 ? { subjectKeyId: sid.content } : { issuer: sid.at(0).bytes, serialHex: serialHex(sid.at(1).unsignedBytes()) };
  let index = 3;
  const signedAttributesElement = parts[index]?.contextTag === 0 ? parts[index++] : undefined;
  const signatureAlgorithm = parts[index++]!.at(0).oid();
  const signature = parts[index++]!.expect(Tag.octetString).content;
  const unsignedElement = parts[index]?.contextTag === 1 ? parts[index] : undefined;
  const signedAttributes = readAttributes(signedAttributesElement);
  const unsignedAttributes = readAttributes(unsignedElement);
  const digestAlgorithm = parts[2]!.at(0).oid();
  const parsedCertificates = certificates.map((der) => certificateOf(der));
  return {
    der,
    version: signedData.at(0).number(),
    eContentType: encapsulated.at(0).oid(),
    eContent: eContentWrapper?.inner().content,
    certificates,
    signerIdentifier,
    signerCertificate: parsedCertificates.find((c) => identifies(signerIdentifier, c)),
    digestAlgorithm,
    digestName: hashNameOf(digestAlgorithm),
    signedAttributesDer: signedAttributesElement && retag(signedAttributesElement.bytes, 0x31),
    signedAttributes,
    signatureAlgorithm,
    signature,
    unsignedAttributes,
    messageDigest: first(signedAttributes, oids.messageDigest)?.content,
    contentTypeAttribute: first(signedAttributes, oids.contentType)?.oid(),
    timestampToken: first(unsignedAttributes, oids.signatureTimeStampToken)?.bytes,
  };
}

export function identifies(sid: SignerIdentifier, certificate: ParsedCertificate): boolean {
  if ('subjectKeyId' in sid) return !!certificate.subjectKeyId && bytesEqual(sid.subjectKeyId, certificate.subjectKeyId);
  return sid.serialHex === certificate.serialHex && bytesEqual(sid.issuer, certificate.issuer);
}

/**
 * Whether an ESS signing-certificate attribute (v2, or v1 with SHA-1 from older TSAs) names
 * `certificate`: the first ESSCertID's hash, and issuerSerial when present.
 */
export function essCertIdMatches(parsed: ParsedSignedData, certificate: ParsedCertificate): boolean {
  const v2 = first(parsed.signedAttributes, oids.signingCertificateV2);
  const v1 = first(parsed.signedAttributes, oids.signingCertificate);
  const attribute = v2 ?? v1;
  if (!attribute) return false;
  const essCertId = attribute.at(0).at(0);
  const fields = essCertId.children();
  let hash: HashName = v2 ? 'sha256' : 'sha1';
  let i = 0;
  if (v2 && fields[0]?.tag === Tag.sequence) {
    const named = hashNameOf(fields[0].at(0).oid());
    if (!named) return false;
    hash = named;
    i = 1;
  }
  const certHash = fields[i]!.expect(Tag.octetString).content;
  if (!bytesEqual(certHash, createHash(hash).update(certificate.der).digest())) return false;
  const issuerSerial = fields[i + 1];
  if (!issuerSerial) return true;
  const generalNames = issuerSerial.at(0).children();
  const issuerMatches = generalNames.some((name) => name.contextTag === 4 && bytesEqual(name.inner().bytes, certificate.issuer));
  return issuerMatches && serialHex(issuerSerial.at(1).unsignedBytes()) === certificate.serialHex;
}

export interface CmsVerification {
  valid: boolean;
  problems: string[];
  signerCertificate?: ParsedCertificate;
  /** The messageDigest attribute equals the content's digest. */
  digestMatches: boolean;
  /** The signature value verifies over the signed attributes under the signer's key. */
  signatureVerifies: boolean;
  /** contentType and signing-certificate attributes are as required. */
  attributesValid: boolean;
}

/**
 * Cryptographic checks of one SignerInfo against a content digest: messageDigest equals,
 * signature valid under the signer's public key, signing-certificate(-v2) names the signer
 * (and is present, unless the format allows its absence).
 * Chain building, trust and revocation are the verifier's business.
 */
export function verifyCmsSignature(parsed: ParsedSignedData, contentDigest: Uint8Array, options: { requireSigningCertificate?: boolean } = {}): CmsVerification {
  const problems: string[] = [];
  const signerCertificate = parsed.signerCertificate;
  if (!signerCertificate) problems.push('signer certificate not found in the CMS');
  let attributesValid = true;
  const attributeProblem = (problem: string) => {
    attributesValid = false;
    problems.push(problem);
  };
  if (!parsed.signedAttributesDer) attributeProblem('no signed attributes');
  if (parsed.contentTypeAttribute !== parsed.eContentType) attributeProblem('contentType attribute does not match the encapsulated content type');
  const digestMatches = !!parsed.messageDigest && bytesEqual(parsed.messageDigest, contentDigest);
  if (!digestMatches) problems.push('messageDigest does not match the content');
  let signatureVerifies = false;
  if (signerCertificate && parsed.signedAttributesDer) {
    const digestName = parsed.digestName;
    if (!digestName) attributeProblem(`unsupported digest algorithm ${parsed.digestAlgorithm}`);
    else {
      signatureVerifies = verifyWithKey(signerCertificate.publicKey, parsed.signatureAlgorithm, parsed.signedAttributesDer, parsed.signature, digestName);
      if (!signatureVerifies) problems.push('signature value does not verify under the signer certificate');
    }
    const present = first(parsed.signedAttributes, oids.signingCertificateV2) ?? first(parsed.signedAttributes, oids.signingCertificate);
    // CAdES and RFC 5816 require the attribute; plain PKCS#7 (adbe.pkcs7.detached) may omit it.
    if (!present) {
      if (options.requireSigningCertificate ?? true) attributeProblem('no signing-certificate attribute (required for CAdES and timestamp tokens)');
    } else if (!essCertIdMatches(parsed, signerCertificate)) attributeProblem('signing-certificate attribute does not match the signer certificate');
  }
  return { valid: problems.length === 0, problems, signerCertificate, digestMatches, signatureVerifies, attributesValid };
}

/** Digest of content with the SignerInfo's digest algorithm. */
export function digestFor(parsed: ParsedSignedData, content: Uint8Array): Uint8Array {
  if (!parsed.digestName) throw new Error(`unsupported digest algorithm ${parsed.digestAlgorithm}`);
  return new Uint8Array(createHash(parsed.digestName).update(content).digest());
}
