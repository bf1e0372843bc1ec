/**
 * The production PKI: an issuing CA, TSA and optional OCSP responder imported from PEM or
 * PKCS#12 and validated at start-up (authority.ts validateMaterial).
 */
import type { KeyObject } from 'node:crypto';
import { pemDecodeAll } from '../asn1/der.ts';
import { authority, createPki, pkiUrls, validateMaterial, type KeyHolder, type Pki, type PkiMaterial } from './authority.ts';
import { parseCertificate } from './certificate.ts';
import { loadPrivateKeyPem } from './keys.ts';
import { readPkcs12 } from './pkcs12.ts';
import { InMemoryCertificateStatusStore, type CertificateStatusStore } from './status-store.ts';

export interface PemPkiOptions {
  /** The trust anchor the CA chains to. */
  rootCertPem: string;
  /** The issuing CA certificate, optionally followed by its intermediates (PEM bundle). */
  caCertPem: string;
  caKeyPem: string;
  /** TSA certificate (then its intermediates) and key. */
  tsaCertPem: string;
  tsaKeyPem: string;
  /** Delegated OCSP responder issued by the CA; absent = the CA signs OCSP responses itself. */
  ocspCertPem?: string;
  ocspKeyPem?: string;
  /** Passphrase of encrypted PEM keys. */
  passphrase?: string;
  baseUrl: string;
  statusStore?: CertificateStatusStore;
  policies?: string[];
  /** Used to seal platform-held organisation keys for storage. */
  masterKey?: Buffer;
}

interface KeyedChain {
  chain: Uint8Array[];
  privateKey: KeyObject;
}

function pemChain(pem: string, what: string): Uint8Array[] {
  const chain = pemDecodeAll(pem, 'CERTIFICATE');
  if (!chain.length) throw new Error(`pki: no certificate in ${what}`);
  return chain;
}

function fromKeyedChains(
  options: Omit<PemPkiOptions, 'caCertPem' | 'caKeyPem' | 'tsaCertPem' | 'tsaKeyPem' | 'ocspCertPem' | 'ocspKeyPem' | 'passphrase'>,
  ca: KeyedChain,
  tsa: KeyedChain,
  ocsp: KeyedChain | undefined,
): Pki {
  const root = parseCertificate(pemChain(options.rootCertPem, 'rootCertPem')[0]!);
  const [caDer, ...caAbove] = ca.chain as [Uint8Array, ...Uint8Array[]];
  const issuingCa = authority('ca', caDer, ca.privateKey, caAbove);
  const holder = (keyed: KeyedChain): KeyHolder => ({ certificate: parseCertificate(keyed.chain[0]!), privateKey: keyed.privateKey, chain: keyed.chain });
  const ocspHolder = ocsp ? holder(ocsp) : { certificate: issuingCa.certificate, privateKey: issuingCa.privateKey, chain: [] };
  const material: PkiMaterial = {
    root,
    organisationCa: issuingCa,
    individualCa: issuingCa,
    tsa: holder(tsa),
    ocspResponders: [{ ...ocspHolder, issuer: issuingCa.certificate }],
    statusStore: options.statusStore ?? new InMemoryCertificateStatusStore(),
    urls: pkiUrls(options.baseUrl),
    masterKey: options.masterKey,
    policies: options.policies ?? [],
  };
  validateMaterial(material);
  return createPki(material);
}

/** Production: imports CA, TSA and optional OCSP responder from PEM and validates them. */
export async function loadPkiFromPem(options: PemPkiOptions): Promise<Pki> {
  const key = (pem: string) => loadPrivateKeyPem(pem, options.passphrase);
  return fromKeyedChains(
    options,
    { chain: pemChain(options.caCertPem, 'caCertPem'), privateKey: key(options.caKeyPem) },
    { chain: pemChain(options.tsaCertPem, 'tsaCertPem'), privateKey: key(options.tsaKeyPem) },
    options.ocspCertPem && options.ocspKeyPem ? { chain: pemChain(options.ocspCertPem, 'ocspCertPem'), privateKey: key(options.ocspKeyPem) } : undefined,
  );
}

export interface Pkcs12PkiOptions {
  rootCertPem: string;
  caP12: Uint8Array;
  tsaP12: Uint8Array;
  ocspP12?: Uint8Array;
  password: string;
  baseUrl: string;
  statusStore?: CertificateStatusStore;
  policies?: string[];
  masterKey?: Buffer;
}

/** Production: imports CA, TSA and optional OCSP responder from PKCS#12 files and validates them. */
export async function loadPkiFromPkcs12(options: Pkcs12PkiOptions): Promise<Pki> {
  const read = (der: Uint8Array) => {
    const { privateKey, certificates } = readPkcs12(der, options.password);
    return { privateKey, chain: certificates };
  };
  return fromKeyedChains(options, read(options.caP12), read(options.tsaP12), options.ocspP12 ? read(options.ocspP12) : undefined);
}
