/**
 * PKCS#12 import (PBES2/AES as written by OpenSSL 3, or legacy PBE). forge parses the
 * container; keys become node:crypto KeyObjects since forge handles only RSA keys itself.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { fromBinary, toBinary } from '../asn1/der.ts';
import { keyMatches, toPublicKey } from './keys.ts';
import { parseCertificate } from './certificate.ts';

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The key's certificate first, then the other certificates in the file. */
  certificates: Uint8Array[];
}

export function readPkcs12(der: Uint8Array, password: string): Pkcs12Contents {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(toBinary(der)), false, password);
  const bagsOf = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(forge.pki.oids.keyBag!)];
  if (keyBags.length !== 1) throw new Error(`PKCS#12: expected one private key, found ${keyBags.length}`);
  const keyBag = keyBags[0]!;
  // forge keeps the PrivateKeyInfo ASN.1 when it cannot read the key type itself (EC).
  const keyInfo = keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1;
  const privateKey = createPrivateKey({ key: Buffer.from(fromBinary(forge.asn1.toDer(keyInfo).getBytes())), format: 'der', type: 'pkcs8' });
  const certificates = bagsOf(forge.pki.oids.certBag!).map((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    return fromBinary(forge.asn1.toDer(asn1).getBytes());
  });
  const leafIndex = certificates.findIndex((der) => keyMatches(privateKey, toPublicKey(parseCertificate(der).spki)));
  if (leafIndex < 0) throw new Error('PKCS#12: no certificate matches the private key');
  // Order leaf → issuer → ..., by names; certificates off that path follow.
  const ordered = certificates.splice(leafIndex, 1);
  for (;;) {
    const issuer = parseCertificate(ordered.at(-1)!).issuer;
    const next = certificates.findIndex((der) => Buffer.compare(parseCertificate(der).subject, issuer) === 0);
    if (next < 0) break;
    ordered.push(...certificates.splice(next, 1));
  }
  return { privateKey, certificates: [...ordered, ...certificates] };
}
