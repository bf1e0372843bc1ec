/**
 * The platform's certificate authority. Development: a built-in hierarchy generated on first
 * start under `dataDir/pki/` (root → issuing CA for organisations, issuing CA for individuals;
 * TSA certificate; delegated OCSP responders), keys sealed under the master key. Production:
 * an issuing CA, TSA and optional OCSP responder imported from PEM or PKCS#12, validated at
 * start-up. This module is the authority itself (issuing, start-up validation); built-in.ts
 * makes the development hierarchy and imported.ts loads the production one.
 */
import { KeyObject } from 'node:crypto';
import { isValidUscc } from '../../domain/identity.ts';
import type { NameAttribute } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import type { Signer } from '../types.ts';
import { createCertificate, isIssuedBy, isTimestampingCertificate, keyIdHex, parseCertificate, type CertificateIssuer, type CertificateTemplate, type ParsedCertificate } from './certificate.ts';
import { algorithmOfKey, generateKeyPair, keyMatches, localSignatureKey, sealPrivateKey, toPublicKey } from './keys.ts';
import type { CertificateStatusStore } from './status-store.ts';

/** A CA that issues certificates and CRLs. `chain` runs from this CA up to, excluding, the root. */
export interface IssuingAuthority extends CertificateIssuer {
  /** Short name used in URLs: 'root', 'organisations', 'individuals', or 'ca' in production. */
  name: string;
  chain: Uint8Array[];
  keyIdHex: string;
}

/** A certificate plus its key: TSA, OCSP responder. `chain` is leaf first, root excluded. */
export interface KeyHolder {
  certificate: ParsedCertificate;
  privateKey: KeyObject;
  chain: Uint8Array[];
}

/** Signs OCSP responses for the certificates of `issuer` (the issuer itself or a delegate). */
export interface OcspResponderIdentity extends KeyHolder {
  issuer: ParsedCertificate;
}

export interface IssuedCertificate {
  certificate: Uint8Array;
  parsed: ParsedCertificate;
  serialHex: string;
  /** Leaf first, then the issuing CAs (root excluded). */
  chain: Uint8Array[];
}

export interface PlatformIssuedCertificate extends IssuedCertificate {
  /** For signing in process; the key never leaves the platform. */
  signer: Signer;
  privateKey: KeyObject;
  /** The private key as encrypted PKCS#8 PEM under the master key, for storage. */
  sealedPrivateKey?: string;
}

export interface OrganisationCertificateRequest {
  name: string;
  /** 统一社会信用代码, carried as organizationIdentifier `NTRCN-<USCC>` (ETSI EN 319 412-1). */
  uscc: string;
  /** SPKI DER or KeyObject; absent = the platform generates and holds the key. */
  publicKey?: Uint8Array | KeyObject;
  validityDays?: number;
}

export interface EventCertificateRequest {
  name: string;
  /** A pseudonymous identifier for the person (hash of the ID number, or a masked number). */
  idNumberHash?: string;
  maskedIdNumber?: string;
  publicKey: Uint8Array | KeyObject;
  validityMinutes?: number;
}

export interface PkiUrls {
  caIssuers(name: string): string;
  crl(name: string): string;
  ocsp: string;
}

export function pkiUrls(baseUrl: string): PkiUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    caIssuers: (name) => `${base}/pki/ca/${name}.cer`,
    crl: (name) => `${base}/pki/crl/${name}.crl`,
    ocsp: `${base}/pki/ocsp`,
  };
}

export interface Pki {
  root: ParsedCertificate;
  /** Certificates verifiers should trust (the root). */
  trustAnchors: ParsedCertificate[];
  organisationCa: IssuingAuthority;
  individualCa: IssuingAuthority;
  /** Every authority whose CRL the platform publishes (root included when its key is held). */
  authorities: IssuingAuthority[];
  tsa: KeyHolder;
  ocspResponders: OcspResponderIdentity[];
  statusStore: CertificateStatusStore;
  urls: PkiUrls;
  issueOrganisationCertificate(request: OrganisationCertificateRequest & { publicKey: Uint8Array | KeyObject }): Promise<IssuedCertificate>;
  issueOrganisationCertificate(request: OrganisationCertificateRequest): Promise<IssuedCertificate | PlatformIssuedCertificate>;
  issueEventCertificate(request: EventCertificateRequest): Promise<IssuedCertificate>;
}

export const day = 86_400_000;
/** Back-dating absorbs clock skew between the platform and verifiers. */
export const skewMs = 5 * 60_000;

function leafTemplate(urls: PkiUrls, ca: IssuingAuthority, policies: string[]): Pick<CertificateTemplate, 'crlUrls' | 'ocspUrls' | 'caIssuersUrls' | 'policies'> {
  return { crlUrls: [urls.crl(ca.name)], ocspUrls: [urls.ocsp], caIssuersUrls: [urls.caIssuers(ca.name)], policies };
}

/** What an authority is made of, however it was obtained (generated or imported). */
export interface PkiMaterial {
  root: ParsedCertificate;
  rootCa?: IssuingAuthority;
  organisationCa: IssuingAuthority;
  individualCa: IssuingAuthority;
  tsa: KeyHolder;
  ocspResponders: OcspResponderIdentity[];
  statusStore: CertificateStatusStore;
  urls: PkiUrls;
  masterKey?: Buffer;
  policies: string[];
}

export function createPki(material: PkiMaterial): Pki {
  const { urls, statusStore, organisationCa, individualCa } = material;

  async function issue(ca: IssuingAuthority, template: CertificateTemplate, kind: string): Promise<IssuedCertificate> {
    const der = createCertificate(template, ca);
    const parsed = parseCertificate(der);
    await statusStore.record({
      serialHex: parsed.serialHex,
      issuerKeyId: ca.keyIdHex,
      subject: parsed.subjectText,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      kind,
      der,
    });
    return { certificate: der, parsed, serialHex: parsed.serialHex, chain: [der, ...ca.chain] };
  }

  async function issueOrganisationCertificate(request: OrganisationCertificateRequest) {
    if (!isValidUscc(request.uscc)) throw new Error('invalid USCC (统一社会信用代码)');
    const generated = request.publicKey ? undefined : generateKeyPair();
    const now = Date.now();
    const issued = await issue(
      organisationCa,
      {
        subject: [
          { type: 'C', value: 'CN' },
          { type: 'O', value: request.name },
          { type: 'organizationIdentifier', value: `NTRCN-${request.uscc}` },
          { type: 'CN', value: request.name },
        ],
        publicKey: generated?.publicKey ?? request.publicKey!,
        notBefore: new Date(now - skewMs),
        notAfter: new Date(now + (request.validityDays ?? 365) * day),
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        ...leafTemplate(urls, organisationCa, material.policies),
      },
      'organisation',
    );
    if (!generated) return issued;
    return {
      ...issued,
      privateKey: generated.privateKey,
      signer: { key: localSignatureKey(generated.privateKey), chain: issued.chain },
      sealedPrivateKey: material.masterKey ? sealPrivateKey(generated.privateKey, material.masterKey) : undefined,
    } satisfies PlatformIssuedCertificate;
  }

  async function issueEventCertificate(request: EventCertificateRequest): Promise<IssuedCertificate> {
    const identifier = request.idNumberHash ?? request.maskedIdNumber;
    const minutes = request.validityMinutes ?? 30;
    if (minutes <= 0 || minutes > 24 * 60) throw new Error('event certificates live between 1 minute and 1 day');
    const subject: NameAttribute[] = [
      { type: 'C', value: 'CN' },
      { type: 'CN', value: request.name },
    ];
    if (identifier) subject.push({ type: 'serialNumber', value: identifier });
    const now = Date.now();
    return issue(
      individualCa,
      {
        subject,
        publicKey: request.publicKey,
        notBefore: new Date(now - skewMs),
        notAfter: new Date(now + minutes * 60_000),
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        ...leafTemplate(urls, individualCa, material.policies),
      },
      'event',
    );
  }

  const authorities = [material.rootCa, organisationCa, individualCa].filter((ca, i, all): ca is IssuingAuthority => !!ca && all.findIndex((other) => other?.keyIdHex === ca.keyIdHex) === i);
  return {
    root: material.root,
    trustAnchors: [material.root],
    organisationCa,
    individualCa,
    authorities,
    tsa: material.tsa,
    ocspResponders: material.ocspResponders,
    statusStore,
    urls,
    issueOrganisationCertificate: issueOrganisationCertificate as Pki['issueOrganisationCertificate'],
    issueEventCertificate,
  };
}

export function authority(name: string, der: Uint8Array, privateKey: KeyObject, chainAbove: Uint8Array[]): IssuingAuthority {
  const certificate = parseCertificate(der);
  return {
    name,
    certificate,
    privateKey,
    chain: [der, ...chainAbove],
    keyIdHex: keyIdHex(certificate),
  };
}

// Start-up validation

function assertChain(chain: Uint8Array[], root: ParsedCertificate, what: string): void {
  // A chain may already end at the root; it is appended once.
  const path = chain.filter((der) => Buffer.compare(der, root.der) !== 0).map(parseCertificate);
  path.push(root);
  for (let i = 0; i < path.length - 1; i++) {
    const child = path[i]!;
    const parent = path[i + 1]!;
    if (!isIssuedBy(child, parent)) throw new Error(`pki: ${what}: ${child.subjectText} is not issued by ${parent.subjectText}`);
  }
}

function assertKey(holder: { certificate: ParsedCertificate; privateKey: KeyObject }, what: string): void {
  algorithmOfKey(holder.privateKey);
  if (!keyMatches(holder.privateKey, toPublicKey(holder.certificate.spki))) throw new Error(`pki: ${what} private key does not match its certificate`);
  const now = new Date();
  if (holder.certificate.notAfter < now) throw new Error(`pki: ${what} certificate expired on ${holder.certificate.notAfter.toISOString()}`);
}

export function validateMaterial(material: PkiMaterial): void {
  const { root } = material;
  if (!root.isCa || !isIssuedBy(root, root)) throw new Error('pki: root is not a self-signed CA certificate');
  for (const [what, ca] of [
    ['organisation CA', material.organisationCa],
    ['individual CA', material.individualCa],
  ] as const) {
    assertKey(ca, what);
    if (!ca.certificate.isCa || !ca.certificate.keyUsage.includes('keyCertSign')) throw new Error(`pki: ${what} lacks CA:TRUE and keyCertSign`);
    assertChain(ca.chain, root, what);
  }
  assertKey(material.tsa, 'TSA');
  if (!isTimestampingCertificate(material.tsa.certificate)) throw new Error('pki: TSA certificate needs a critical extendedKeyUsage of timeStamping only');
  assertChain(material.tsa.chain, root, 'TSA');
  for (const responder of material.ocspResponders) {
    assertKey(responder, 'OCSP responder');
    const delegated = Buffer.compare(responder.certificate.der, responder.issuer.der) !== 0;
    if (delegated) {
      if (!responder.certificate.extendedKeyUsage?.purposes.includes(oids.kpOcspSigning)) throw new Error('pki: OCSP responder lacks extendedKeyUsage OCSPSigning');
      if (!isIssuedBy(responder.certificate, responder.issuer)) throw new Error('pki: OCSP responder is not issued by the CA it answers for');
    }
  }
}
