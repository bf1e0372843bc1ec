/**
 * The platform's certificate authority. Development: a built-in hierarchy generated on first
 * start under `dataDir/pki/` (root → issuing CA for organisations, issuing CA for individuals;
 * TSA certificate; delegated OCSP responders), keys sealed under the master key. Production:
 * an issuing CA, TSA and optional OCSP responder imported from PEM or PKCS#12, validated at
 * start-up.
 */
import { KeyObject, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidUscc } from '../../domain/identity.ts';
import { pemDecodeAll, pemEncode } from '../asn1/der.ts';
import type { NameAttribute } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import type { Signer } from '../types.ts';
import {
  createCertificate,
  isIssuedBy,
  isTimestampingCertificate,
  keyIdHex,
  parseCertificate,
  type CertificateIssuer,
  type CertificateTemplate,
  type ParsedCertificate,
} from './certificate.ts';
import {
  algorithmOfKey,
  generateKeyPair,
  keyMatches,
  loadPrivateKeyPem,
  localSignatureKey,
  openSealedPrivateKey,
  sealPrivateKey,
  toPublicKey,
} from './keys.ts';
import { readPkcs12 } from './pkcs12.ts';
import { InMemoryCertificateStatusStore, type CertificateStatusStore } from './status-store.ts';

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

const day = 86_400_000;
/** Back-dating absorbs clock skew between the platform and verifiers. */
const skewMs = 5 * 60_000;


function leafTemplate(urls: PkiUrls, ca: IssuingAuthority, policies: string[]): Pick<CertificateTemplate, 'crlUrls' | 'ocspUrls' | 'caIssuersUrls' | 'policies'> {
  return { crlUrls: [urls.crl(ca.name)], ocspUrls: [urls.ocsp], caIssuersUrls: [urls.caIssuers(ca.name)], policies };
}

interface PkiMaterial {
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

function createPki(material: PkiMaterial): Pki {
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
    const subject: NameAttribute[] = [{ type: 'C', value: 'CN' }, { type: 'CN', value: request.name }];
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

  const authorities = [material.rootCa, organisationCa, individualCa].filter(
    (ca, i, all): ca is IssuingAuthority => !!ca && all.findIndex((other) => other?.keyIdHex === ca.keyIdHex) === i,
  );
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

function authority(name: string, der: Uint8Array, privateKey: KeyObject, chainAbove: Uint8Array[]): IssuingAuthority {
  const certificate = parseCertificate(der);
  return {
    name,
    certificate,
    privateKey,
    chain: [der, ...chainAbove],
    keyIdHex: keyIdHex(certificate),
  };
}

// ---------------------------------------------------------------------------------------
// Built-in hierarchy

export interface BuiltInPkiOptions {
  dataDir: string;
  masterKey: Buffer;
  baseUrl: string;
  statusStore?: CertificateStatusStore;
  /** Display name placed in O= of the platform's CA certificates. */
  organisationName?: string;
  /** certificatePolicies OIDs for leaf certificates (default: the platform's private-arc OID). */
  policies?: string[];
}

const builtInFiles = ['root', 'organisations', 'individuals', 'tsa', 'ocsp-organisations', 'ocsp-individuals'] as const;
type BuiltInName = (typeof builtInFiles)[number];
type Generated = Record<BuiltInName, { der: Uint8Array; privateKey: KeyObject }>;

function generateHierarchy(options: BuiltInPkiOptions, urls: PkiUrls): Generated {
  const now = Date.now();
  const organisation = options.organisationName ?? 'LaborSign 电子劳动合同平台';
  const name = (cn: string): NameAttribute[] => [
    { type: 'C', value: 'CN' },
    { type: 'O', value: organisation },
    { type: 'CN', value: cn },
  ];
  const years = (n: number) => new Date(now + n * 365 * day);
  const notBefore = new Date(now - skewMs);
  const caExtensions = (issuer: string) => ({ crlUrls: [urls.crl(issuer)], caIssuersUrls: [urls.caIssuers(issuer)] });

  const rootKeys = generateKeyPair();
  const rootDer = createCertificate(
    { subject: name('LaborSign Root CA'), publicKey: rootKeys.publicKey, notBefore, notAfter: years(20), ca: {}, keyUsage: ['keyCertSign', 'cRLSign'] },
    { selfSigningKey: rootKeys.privateKey },
  );
  const root: CertificateIssuer = { certificate: parseCertificate(rootDer), privateKey: rootKeys.privateKey };

  const result = { root: { der: rootDer, privateKey: rootKeys.privateKey } } as Generated;
  const issueUnder = (issuer: CertificateIssuer, file: BuiltInName, template: Omit<CertificateTemplate, 'publicKey' | 'notBefore'>) => {
    const keys = generateKeyPair();
    const der = createCertificate({ ...template, publicKey: keys.publicKey, notBefore }, issuer);
    result[file] = { der, privateKey: keys.privateKey };
    return { certificate: parseCertificate(der), privateKey: keys.privateKey };
  };
  const caTemplate = (cn: string) => ({
    subject: name(cn),
    notAfter: years(10),
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'] as CertificateTemplate['keyUsage'],
    ...caExtensions('root'),
  });
  const organisations = issueUnder(root, 'organisations', caTemplate('LaborSign Organisation CA'));
  const individuals = issueUnder(root, 'individuals', caTemplate('LaborSign Individual CA'));
  issueUnder(root, 'tsa', {
    subject: name('LaborSign Time Stamping Authority'),
    notAfter: years(10),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage: { purposes: [oids.kpTimeStamping], critical: true },
    ...caExtensions('root'),
  });
  for (const [file, ca] of [['ocsp-organisations', organisations], ['ocsp-individuals', individuals]] as const) {
    issueUnder(ca, file, {
      subject: name(`LaborSign OCSP Responder (${file.slice(5)})`),
      notAfter: years(2),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: { purposes: [oids.kpOcspSigning], critical: false },
      ocspNoCheck: true,
      caIssuersUrls: [urls.caIssuers(file.slice(5))],
    });
  }
  return result;
}

async function writeHierarchy(directory: string, generated: Generated, masterKey: Buffer): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (const file of builtInFiles) {
    const { der, privateKey } = generated[file];
    await writeFile(path.join(directory, `${file}.cert.pem`), pemEncode(der, 'CERTIFICATE'), { mode: 0o644 });
    await writeFile(path.join(directory, `${file}.key.pem`), sealPrivateKey(privateKey, masterKey), { mode: 0o600 });
  }
}

async function readHierarchy(directory: string, masterKey: Buffer): Promise<Generated> {
  const result = {} as Generated;
  for (const file of builtInFiles) {
    const [der] = pemDecodeAll(await readFile(path.join(directory, `${file}.cert.pem`), 'utf8'), 'CERTIFICATE');
    if (!der) throw new Error(`pki: ${file}.cert.pem holds no certificate`);
    const privateKey = openSealedPrivateKey(await readFile(path.join(directory, `${file}.key.pem`), 'utf8'), masterKey);
    result[file] = { der, privateKey };
  }
  return result;
}

/**
 * Loads the built-in PKI from `dataDir/pki/`, generating it on first start. Generation goes
 * to a temporary directory renamed into place, so concurrent first starts agree on one CA.
 */
export async function createBuiltInPki(options: BuiltInPkiOptions): Promise<Pki> {
  const urls = pkiUrls(options.baseUrl);
  const directory = path.join(options.dataDir, 'pki');
  if (!existsSync(directory)) {
    const temporary = `${directory}.tmp-${randomBytes(6).toString('hex')}`;
    await writeHierarchy(temporary, generateHierarchy(options, urls), options.masterKey);
    try {
      await rename(temporary, directory);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      if (!existsSync(directory)) throw error;
    }
  }
  const files = await readHierarchy(directory, options.masterKey);
  const rootCa = authority('root', files.root.der, files.root.privateKey, []);
  const organisationCa = authority('organisations', files.organisations.der, files.organisations.privateKey, []);
  const individualCa = authority('individuals', files.individuals.der, files.individuals.privateKey, []);
  const responder = (file: BuiltInName, issuer: IssuingAuthority): OcspResponderIdentity => ({
    certificate: parseCertificate(files[file].der),
    privateKey: files[file].privateKey,
    chain: [files[file].der, ...issuer.chain],
    issuer: issuer.certificate,
  });
  const material: PkiMaterial = {
    root: rootCa.certificate,
    rootCa,
    organisationCa,
    individualCa,
    tsa: { certificate: parseCertificate(files.tsa.der), privateKey: files.tsa.privateKey, chain: [files.tsa.der] },
    ocspResponders: [
      responder('ocsp-organisations', organisationCa),
      responder('ocsp-individuals', individualCa),
      // The root answers for its own certificates (issuing CAs, TSA).
      { certificate: rootCa.certificate, privateKey: rootCa.privateKey, chain: [], issuer: rootCa.certificate },
    ],
    statusStore: options.statusStore ?? new InMemoryCertificateStatusStore(),
    urls,
    masterKey: options.masterKey,
    policies: options.policies ?? [oids.laborSignCertificatePolicy],
  };
  validateMaterial(material);
  const record = (file: BuiltInName, issuer: IssuingAuthority, kind: string) => {
    const certificate = parseCertificate(files[file].der);
    return material.statusStore.record({
      serialHex: certificate.serialHex,
      issuerKeyId: issuer.keyIdHex,
      subject: certificate.subjectText,
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      kind,
      der: certificate.der,
    });
  };
  // The platform's own certificates, so OCSP and CRLs can speak about them.
  await record('organisations', rootCa, 'ca');
  await record('individuals', rootCa, 'ca');
  await record('tsa', rootCa, 'tsa');
  await record('ocsp-organisations', organisationCa, 'ocsp');
  await record('ocsp-individuals', individualCa, 'ocsp');
  return createPki(material);
}

// ---------------------------------------------------------------------------------------
// Production import

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
    options.ocspCertPem && options.ocspKeyPem
      ? { chain: pemChain(options.ocspCertPem, 'ocspCertPem'), privateKey: key(options.ocspKeyPem) }
      : undefined,
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

// ---------------------------------------------------------------------------------------
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

function validateMaterial(material: PkiMaterial): void {
  const { root } = material;
  if (!root.isCa || !isIssuedBy(root, root)) throw new Error('pki: root is not a self-signed CA certificate');
  for (const [what, ca] of [['organisation CA', material.organisationCa], ['individual CA', material.individualCa]] as const) {
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
