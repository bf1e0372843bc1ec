/**
 * X.509 v3 certificates: a builder (TBSCertificate via ASN.1, signed with node:crypto) and a
 * parser exposing what issuance, CMS, TSP, OCSP and verification need.
 */
import { createHash, KeyObject, randomBytes } from 'node:crypto';
import {
  bits,
  bool,
  encode,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  int,
  namedBits,
  nullValue,
  octets,
  oid,
  parseDer,
  raw,
  seq,
  Tag,
  toHex,
  x509Time,
  type Asn1,
  type DerElement,
} from '../asn1/der.ts';
import { encodeName, nameToString, type NameAttribute } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import { algorithmOfKey, signatureAlgorithmIdentifier, signWithKey, spkiOf, toPublicKey, verifyWithKey } from './keys.ts';

export const KeyUsage = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KeyUsage;

export interface CertificateTemplate {
  subject: NameAttribute[] | Uint8Array;
  publicKey: KeyObject | Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Magnitude bytes; default: 16 random bytes, positive. */
  serial?: Uint8Array;
  /** Present for CA certificates. */
  ca?: { pathLength?: number };
  keyUsage: KeyUsageName[];
  extendedKeyUsage?: { purposes: string[]; critical: boolean };
  crlUrls?: string[];
  ocspUrls?: string[];
  caIssuersUrls?: string[];
  policies?: string[];
  /** id-pkix-ocsp-nocheck, for OCSP responder certificates. */
  ocspNoCheck?: boolean;
}

export interface CertificateIssuer {
  certificate: ParsedCertificate;
  privateKey: KeyObject;
}

/** 16 random bytes read as a positive integer that always encodes in 16 octets. */
export function randomSerial(): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return new Uint8Array(serial);
}

/** Canonical serial text: lowercase hex without leading zero octets. */
export function serialHex(magnitude: Uint8Array): string {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return toHex(magnitude.subarray(start));
}

/** Serial magnitude bytes from canonical hex. */
export function serialBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'));
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const keyBits = parseDer(spki).at(1).bitStringBytes();
  return new Uint8Array(createHash('sha1').update(keyBits).digest());
}

/** Hex key identifier of a CA: its subjectKeyIdentifier, or the RFC 5280 method 1 value. */
export function keyIdHex(certificate: ParsedCertificate): string {
  return toHex(certificate.subjectKeyId ?? keyIdentifier(certificate.spki));
}

function extension(extnId: string, critical: boolean, value: Asn1): Asn1 {
  return seq(oid(extnId), critical ? bool(true) : undefined, octets(encode(value)));
}

const uri = (url: string): Asn1 => implicitPrimitive(6, url);

function buildExtensions(template: CertificateTemplate, subjectKeyId: Uint8Array, authorityKeyId: Uint8Array): Asn1[] {
  const list: Asn1[] = [];
  if (template.ca) {
    const pathLength = template.ca.pathLength;
    list.push(extension(oids.basicConstraints, true, seq(bool(true), pathLength === undefined ? undefined : int(pathLength))));
  } else {
    // An empty basicConstraints (cA FALSE is DEFAULT) makes the end-entity status explicit.
    list.push(extension(oids.basicConstraints, true, seq()));
  }
  list.push(extension(oids.keyUsage, true, namedBits(template.keyUsage.map((u) => KeyUsage[u]))));
  if (template.extendedKeyUsage) {
    list.push(extension(oids.extKeyUsage, template.extendedKeyUsage.critical, seq(...template.extendedKeyUsage.purposes.map(oid))));
  }
  list.push(extension(oids.subjectKeyIdentifier, false, octets(subjectKeyId)));
  list.push(extension(oids.authorityKeyIdentifier, false, seq(implicitPrimitive(0, authorityKeyId))));
  if (template.crlUrls?.length) {
    // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
    const points = template.crlUrls.map((url) => seq(explicit(0, implicitConstructed(0, [uri(url)]))));
    list.push(extension(oids.crlDistributionPoints, false, seq(...points)));
  }
  const access = [...(template.ocspUrls ?? []).map((url) => seq(oid(oids.accessOcsp), uri(url))), ...(template.caIssuersUrls ?? []).map((url) => seq(oid(oids.accessCaIssuers), uri(url)))];
  if (access.length) list.push(extension(oids.authorityInfoAccess, false, seq(...access)));
  if (template.policies?.length) {
    list.push(extension(oids.certificatePolicies, false, seq(...template.policies.map((p) => seq(oid(p))))));
  }
  if (template.ocspNoCheck) list.push(extension(oids.ocspNoCheck, false, nullValue()));
  return list;
}

/**
 * Builds and signs a certificate. Without `issuer` it is self-signed by `selfSigningKey`
 * (a root CA).
 */
export function createCertificate(template: CertificateTemplate, issuer: CertificateIssuer | { selfSigningKey: KeyObject }): Uint8Array {
  const spki = template.publicKey instanceof KeyObject ? spkiOf(template.publicKey) : template.publicKey;
  algorithmOfKey(toPublicKey(spki)); // policy check on the subject key
  const subject = template.subject instanceof Uint8Array ? template.subject : encodeName(template.subject);
  const subjectKeyId = keyIdentifier(spki);
  const selfSigned = 'selfSigningKey' in issuer;
  const signingKey = selfSigned ? issuer.selfSigningKey : issuer.privateKey;
  const issuerName = selfSigned ? subject : issuer.certificate.subject;
  const authorityKeyId = selfSigned ? subjectKeyId : (issuer.certificate.subjectKeyId ?? keyIdentifier(issuer.certificate.spki));
  const algorithm = algorithmOfKey(signingKey);
  const signatureAlgorithm = signatureAlgorithmIdentifier(algorithm);

  const tbs = encode(
    seq(
      explicit(0, int(2)),
      int(template.serial ?? randomSerial()),
      signatureAlgorithm,
      raw(issuerName),
      seq(x509Time(template.notBefore), x509Time(template.notAfter)),
      raw(subject),
      raw(spki),
      explicit(3, seq(...buildExtensions(template, subjectKeyId, authorityKeyId))),
    ),
  );
  return encode(seq(raw(tbs), signatureAlgorithm, bits(signWithKey(signingKey, tbs))));
}

// ---------------------------------------------------------------------------------------
// Parsing

export interface CertificateExtension {
  critical: boolean;
  /** extnValue content (the DER of the extension's own structure). */
  value: Uint8Array;
}

export interface ParsedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  /** Serial magnitude bytes and canonical hex. */
  serial: Uint8Array;
  serialHex: string;
  issuer: Uint8Array;
  subject: Uint8Array;
  subjectText: string;
  issuerText: string;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  publicKey: KeyObject;
  signatureAlgorithm: string;
  signature: Uint8Array;
  extensions: Map<string, CertificateExtension>;
  isCa: boolean;
  keyUsage: KeyUsageName[];
  extendedKeyUsage?: { purposes: string[]; critical: boolean };
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  ocspUrls: string[];
  caIssuersUrls: string[];
  crlUrls: string[];
}

const keyUsageNames = Object.entries(KeyUsage).reduce<Record<number, KeyUsageName>>((acc, [name, bit]) => {
  acc[bit] = name as KeyUsageName;
  return acc;
}, {});

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const certificate = parseDer(der).expect(Tag.sequence);
  const tbs = certificate.at(0, Tag.sequence);
  const fields = tbs.children();
  // version [0] is present for v3; everything after it shifts by one.
  const shift = fields[0]?.contextTag === 0 ? 1 : 0;
  const field = (i: number): DerElement => tbs.at(i + shift);
  const serialElement = field(0).expect(Tag.integer);
  const validity = field(3);
  const spki = field(5).bytes;
  const extensions = new Map<string, CertificateExtension>();
  const extensionsWrapper = fields.find((f) => f.contextTag === 3);
  for (const ext of extensionsWrapper?.inner().children() ?? []) {
    const parts = ext.children();
    const critical = parts.length === 3 && parts[1]!.boolean();
    extensions.set(parts[0]!.oid(), { critical, value: parts[parts.length - 1]!.expect(Tag.octetString).content });
  }
  const serial = serialElement.unsignedBytes();
  const issuer = field(2).bytes;
  const subject = field(4).bytes;
  let publicKey: KeyObject | undefined;
  return {
    der,
    tbs: tbs.bytes,
    serial,
    serialHex: serialHex(serial),
    issuer,
    subject,
    subjectText: nameToString(subject),
    issuerText: nameToString(issuer),
    notBefore: validity.at(0).time(),
    notAfter: validity.at(1).time(),
    spki,
    // Made on first use and kept: verifying a contract asks for each key several times.
    get publicKey() {
      publicKey ??= toPublicKey(spki);
      return publicKey;
    },
    signatureAlgorithm: certificate.at(1).at(0).oid(),
    signature: certificate.at(2).bitStringBytes(),
    extensions,
    ...decodeExtensions(extensions),
  };
}

function decodeExtensions(extensions: Map<string, CertificateExtension>) {
  const read = (id: string) => {
    const ext = extensions.get(id);
    return ext ? parseDer(ext.value) : undefined;
  };
  const basic = read(oids.basicConstraints);
  const isCa = basic?.children()[0]?.tag === Tag.boolean ? basic.at(0).boolean() : false;
  const keyUsage = (read(oids.keyUsage)?.namedBits() ?? []).map((b) => keyUsageNames[b]).filter((n): n is KeyUsageName => !!n);
  const eku = read(oids.extKeyUsage);
  const extendedKeyUsage = eku ? { purposes: eku.children().map((c) => c.oid()), critical: extensions.get(oids.extKeyUsage)!.critical } : undefined;
  const subjectKeyId = read(oids.subjectKeyIdentifier)?.content;
  const authorityKeyId = read(oids.authorityKeyIdentifier)?.tagged(0)?.content;
  const ocspUrls: string[] = [];
  const caIssuersUrls: string[] = [];
  for (const access of read(oids.authorityInfoAccess)?.children() ?? []) {
    const location = access.at(1);
    if (location.contextTag !== 6) continue;
    const method = access.at(0).oid();
    if (method === oids.accessOcsp) ocspUrls.push(location.text());
    if (method === oids.accessCaIssuers) caIssuersUrls.push(location.text());
  }
  const crlUrls: string[] = [];
  for (const point of read(oids.crlDistributionPoints)?.children() ?? []) {
    const fullName = point.tagged(0)?.inner();
    if (fullName?.contextTag !== 0) continue;
    for (const name of fullName.children()) if (name.contextTag === 6) crlUrls.push(name.text());
  }
  return { isCa, keyUsage, extendedKeyUsage, subjectKeyId, authorityKeyId, ocspUrls, caIssuersUrls, crlUrls };
}

/** True when `certificate` carries a valid signature by `issuer`'s key and names it as issuer. */
export function isIssuedBy(certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (Buffer.compare(certificate.issuer, issuer.subject) !== 0) return false;
  return verifyWithKey(issuer.publicKey, certificate.signatureAlgorithm, certificate.tbs, certificate.signature);
}

/** Whether a certificate may sign time-stamp tokens: EKU timeStamping only, and critical (RFC 3161 2.3). */
export function isTimestampingCertificate(certificate: ParsedCertificate): boolean {
  const eku = certificate.extendedKeyUsage;
  return !!eku && eku.critical && eku.purposes.length === 1 && eku.purposes[0] === oids.kpTimeStamping;
}

export function isValidAt(certificate: ParsedCertificate, when: Date): boolean {
  return certificate.notBefore.getTime() <= when.getTime() && when.getTime() <= certificate.notAfter.getTime();
}
