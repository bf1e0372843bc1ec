/**
 * CAdES-detached CMS SignedData for PAdES, in two phases so the private key can live
 * elsewhere (a browser): the server builds the signed attributes, the key holder signs their
 * DER, the server assembles the SignedData (and adds the signature timestamp).
 */
import { createHash } from 'node:crypto';
import { algorithmIdentifier, encode, explicit, int, octets, oid, raw, retag, seq, setOf, type Asn1 } from '../asn1/der.ts';
import { oids } from '../asn1/oids.ts';
import { parseCertificate } from '../pki/certificate.ts';
import { signatureAlgorithmIdentifier } from '../pki/keys.ts';
import type { SignatureAlgorithm, Signer, TimestampClient } from '../types.ts';

export interface CmsAttribute {
  type: string;
  /** DER of each value in the attribute's SET OF. */
  values: Uint8Array[];
}

function attribute(type: string, ...values: Asn1[]): Asn1 {
  return seq(oid(type), setOf(...values));
}

const encodeAttribute = (a: CmsAttribute): Asn1 => seq(oid(a.type), setOf(...a.values.map(raw)));

/**
 * SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 }. ESSCertIDv2's hashAlgorithm is
 * DEFAULT sha256 and so omitted (DER); issuerSerial binds issuer name and serial.
 */
export function signingCertificateV2(certificateDer: Uint8Array): Asn1 {
  const { issuer, serial, sha256 } = signerIdentity(certificateDer);
  const issuerSerial = seq(seq(explicit(4, raw(issuer))), int(serial));
  return seq(seq(seq(octets(sha256), issuerSerial)));
}

/**
 * What a SignerInfo names its certificate by. A sealer signs thousands of documents with the
 * same certificate object, so it is read once per object (the bytes are never changed after).
 */
const identities = new WeakMap<Uint8Array, { issuer: Uint8Array; serial: Uint8Array; sha256: Uint8Array }>();
function signerIdentity(der: Uint8Array) {
  let identity = identities.get(der);
  if (!identity) {
    const certificate = parseCertificate(der);
    identity = { issuer: certificate.issuer, serial: certificate.serial, sha256: createHash('sha256').update(der).digest() };
    identities.set(der, identity);
  }
  return identity;
}

export interface SignedAttributesInput {
  /** SHA-256 of the signed content (for PAdES: of the ByteRange). */
  documentDigest: Uint8Array;
  signerCertificate: Uint8Array;
  /** Default id-data; id-ct-TSTInfo for timestamp tokens. */
  contentType?: string;
  extra?: CmsAttribute[];
}

/**
 * DER of the signed attributes as a SET OF (what the signature covers): contentType,
 * messageDigest, signing-certificate-v2; no signing-time (PAdES takes time from /M).
 */
export function buildSignedAttributes(input: SignedAttributesInput): Uint8Array {
  if (input.documentDigest.length !== 32) throw new Error('documentDigest must be a SHA-256 digest (32 bytes)');
  return encode(
    setOf(
      attribute(oids.contentType, oid(input.contentType ?? oids.data)),
      attribute(oids.messageDigest, octets(input.documentDigest)),
      attribute(oids.signingCertificateV2, signingCertificateV2(input.signerCertificate)),
      ...(input.extra ?? []).map(encodeAttribute),
    ),
  );
}

export interface AssembleInput {
  /** The DER SET OF from `buildSignedAttributes` (exactly the bytes that were signed). */
  signedAttributes: Uint8Array;
  signatureValue: Uint8Array;
  algorithm: SignatureAlgorithm;
  /** [leaf, intermediates...]; the leaf identifies the signer. */
  chain: Uint8Array[];
  unsignedAttributes?: CmsAttribute[];
  /** Attached content (timestamp tokens carry TSTInfo); absent = detached. */
  encapsulated?: { contentType: string; content: Uint8Array };
  /** Leave out the certificates field (RFC 3161 tokens without certReq). */
  omitCertificates?: boolean;
}

const sha256Identifier = () => algorithmIdentifier(oids.sha256);

/** ContentInfo(SignedData) DER. */
export function assembleSignedData(input: AssembleInput): Uint8Array {
  if (input.signedAttributes[0] !== 0x31) throw new Error('signedAttributes must be the DER SET OF from buildSignedAttributes');
  const [leaf] = input.chain;
  if (!leaf) throw new Error('chain must start with the signer certificate');
  const signer = signerIdentity(leaf);
  const signerInfo = seq(
    int(1),
    seq(raw(signer.issuer), int(signer.serial)),
    sha256Identifier(),
    raw(retag(input.signedAttributes, 0xa0)),
    signatureAlgorithmIdentifier(input.algorithm),
    octets(input.signatureValue),
    input.unsignedAttributes?.length ? implicitSet(1, input.unsignedAttributes.map(encodeAttribute)) : undefined,
  );
  const encapsulated = input.encapsulated ? seq(oid(input.encapsulated.contentType), explicit(0, octets(input.encapsulated.content))) : seq(oid(oids.data));
  const signedData = seq(int(input.encapsulated ? 3 : 1), setOf(sha256Identifier()), encapsulated, input.omitCertificates ? undefined : implicitSet(0, input.chain.map(raw)), setOf(signerInfo));
  return encode(seq(oid(oids.signedData), explicit(0, signedData)));
}

/** [n] IMPLICIT SET OF with DER-sorted elements. */
function implicitSet(tag: number, elements: Asn1[]): Asn1 {
  return raw(retag(encode(setOf(...elements)), 0xa0 | tag));
}

/**
 * A complete CAdES-B-T signature over a document digest: signed attributes, signature by
 * `signer.key`, and (when `tsa` is given) the signature timestamp. A TSA failure throws:
 * a signature is never silently left without its timestamp.
 */
export async function createCadesSignature(documentDigest: Uint8Array, signer: Signer, tsa?: TimestampClient): Promise<Uint8Array> {
  const [leaf] = signer.chain;
  if (!leaf) throw new Error('signer.chain must start with the signer certificate');
  const signedAttributes = buildSignedAttributes({ documentDigest, signerCertificate: leaf });
  const signatureValue = await signer.key.sign(signedAttributes);
  const unsignedAttributes = tsa ? [await signatureTimestampAttribute(signatureValue, tsa)] : undefined;
  return assembleSignedData({ signedAttributes, signatureValue, algorithm: signer.key.algorithm, chain: signer.chain, unsignedAttributes });
}

/** id-aa-signatureTimeStampToken over the SignerInfo signature value. */
export async function signatureTimestampAttribute(signatureValue: Uint8Array, tsa: TimestampClient): Promise<CmsAttribute> {
  let token: Uint8Array;
  try {
    token = await tsa.timestamp(signatureValue);
  } catch (error) {
    throw new Error(`signature timestamp failed: ${(error as Error).message}`, { cause: error });
  }
  return { type: oids.signatureTimeStampToken, values: [token] };
}
