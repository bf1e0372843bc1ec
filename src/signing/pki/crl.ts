/** X.509 v2 CRLs: builder (reason codes, CRL number, AKI) and parser. */
import { bits, bool, encode, enumerated, explicit, implicitPrimitive, int, octets, oid, parseDer, raw, seq, Tag, x509Time, type Asn1, type DerElement } from '../asn1/der.ts';
import { oids } from '../asn1/oids.ts';
import { keyIdentifier, serialBytes, serialHex as canonicalSerial, type CertificateIssuer } from './certificate.ts';
import { algorithmOfKey, signatureAlgorithmIdentifier, signWithKey } from './keys.ts';
import { reasonFromCode, RevocationReasonCode, type RevokedCertificate } from './status-store.ts';

export interface CrlContent {
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: bigint;
  revoked: RevokedCertificate[];
}

function extension(extnId: string, critical: boolean, value: Asn1): Asn1 {
  return seq(oid(extnId), critical ? bool(true) : undefined, octets(encode(value)));
}

export function buildCrl(content: CrlContent, issuer: CertificateIssuer): Uint8Array {
  const signatureAlgorithm = signatureAlgorithmIdentifier(algorithmOfKey(issuer.privateKey));
  const authorityKeyId = issuer.certificate.subjectKeyId ?? keyIdentifier(issuer.certificate.spki);
  const entries = content.revoked.map((r) =>
    seq(
      int(serialBytes(r.serialHex)),
      x509Time(r.revokedAt),
      // RFC 5280 5.3.1: omit reasonCode rather than say "unspecified".
      r.reason === 'unspecified' ? undefined : seq(extension(oids.crlReason, false, enumerated(RevocationReasonCode[r.reason]))),
    ),
  );
  const tbs = encode(
    seq(
      int(1),
      signatureAlgorithm,
      raw(issuer.certificate.subject),
      x509Time(content.thisUpdate),
      x509Time(content.nextUpdate),
      entries.length ? seq(...entries) : undefined,
      explicit(0, seq(extension(oids.authorityKeyIdentifier, false, seq(implicitPrimitive(0, authorityKeyId))), extension(oids.crlNumber, false, int(content.crlNumber)))),
    ),
  );
  return encode(seq(raw(tbs), signatureAlgorithm, bits(signWithKey(issuer.privateKey, tbs))));
}

export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  revoked: RevokedCertificate[];
  signatureAlgorithm: string;
  signature: Uint8Array;
  /** CRL extensions by OID (IDP, delta indicator, … for RFC 5280 §6.3 scope checks). */
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
  /** Every entry as written: raw serial, reason code, and the certificate issuer it speaks for (indirect CRLs). */
  entries: CrlEntry[];
}

export interface CrlEntry {
  /** INTEGER content octets (negative serials compare exactly). */
  serial: Uint8Array;
  revokedAt: Date;
  reasonCode?: number;
  /** GeneralNames DER of the certificateIssuer in force for this entry, when the CRL names one. */
  certificateIssuer?: Uint8Array;
  /** Critical entry extensions this parser does not know. */
  unknownCritical: string[];
}

const knownEntryExtensions = new Set([oids.crlReason, '2.5.29.24' /* invalidityDate */, '2.5.29.29' /* certificateIssuer */]);

function readExtensions(list: DerElement | undefined): Map<string, { critical: boolean; value: Uint8Array }> {
  const map = new Map<string, { critical: boolean; value: Uint8Array }>();
  for (const ext of list?.children() ?? []) {
    const parts = ext.children();
    map.set(parts[0]!.oid(), { critical: parts.length === 3 && parts[1]!.boolean(), value: parts[parts.length - 1]!.content });
  }
  return map;
}

export function parseCrl(der: Uint8Array): ParsedCrl {
  const crl = parseDer(der).expect(Tag.sequence);
  const tbs = crl.at(0, Tag.sequence);
  const fields = [...tbs.children()];
  if (fields[0]?.tag === Tag.integer) fields.shift(); // version
  const [, issuer, thisUpdate, ...rest] = fields as [DerElement, DerElement, DerElement, ...DerElement[]];
  const nextUpdate = rest[0] && (rest[0].tag === Tag.utcTime || rest[0].tag === Tag.generalizedTime) ? rest.shift() : undefined;
  const revokedList = rest[0]?.tag === Tag.sequence ? rest.shift() : undefined;
  const extensions = rest.find((e) => e.contextTag === 0)?.inner();
  let crlNumber: bigint | undefined;
  for (const ext of extensions?.children() ?? []) {
    if (ext.at(0).oid() === oids.crlNumber) crlNumber = parseDer(ext.children().at(-1)!.content).bigint();
  }
  const revoked = (revokedList?.children() ?? []).map((entry) => {
    let reason = reasonFromCode(0);
    const entryExtensions = entry.children()[2];
    for (const ext of entryExtensions?.children() ?? []) {
      if (ext.at(0).oid() === oids.crlReason) reason = reasonFromCode(parseDer(ext.children().at(-1)!.content).number());
    }
    return { serialHex: canonicalSerial(entry.at(0).unsignedBytes()), revokedAt: entry.at(1).time(), reason };
  });
  let certificateIssuer: Uint8Array | undefined;
  const entries = (revokedList?.children() ?? []).map((entry): CrlEntry => {
    const extensions = readExtensions(entry.children()[2]);
    const reason = extensions.get(oids.crlReason);
    const named = extensions.get('2.5.29.29');
    if (named) certificateIssuer = named.value;
    return {
      serial: entry.at(0).content,
      revokedAt: entry.at(1).time(),
      reasonCode: reason ? parseDer(reason.value).number() : undefined,
      certificateIssuer,
      unknownCritical: [...extensions].filter(([id, e]) => e.critical && !knownEntryExtensions.has(id)).map(([id]) => id),
    };
  });
  return {
    der,
    tbs: tbs.bytes,
    issuer: issuer.bytes,
    extensions: readExtensions(extensions),
    entries,
    thisUpdate: thisUpdate.time(),
    nextUpdate: nextUpdate?.time(),
    crlNumber,
    revoked,
    signatureAlgorithm: crl.at(1).at(0).oid(),
    signature: crl.at(2).bitStringBytes(),
  };
}
