/**
 * Composition root: turns a Config into running infrastructure (database, archive, keys),
 * starting embedded PostgreSQL and S3 when no external ones are configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config/config.ts';
import { createDb, type Db } from './db/client.ts';
import { applyMigrations } from './db/migrations.ts';
import { ensureDatabase, startEmbeddedPostgres } from './infra/embedded-postgres.ts';
import { DevOutboxGateway, HttpSmsGateway } from './notify/gateway.ts';
import { Outbox } from './notify/outbox.ts';
import { startEmbeddedS3 } from './infra/embedded-s3.ts';
import { hkdfSync } from 'node:crypto';
import { FieldCrypto } from './security/field-crypto.ts';
import { PrismaCertificateStatusStore } from './services/certificate-store.ts';
import { OneTimeCodes } from './services/one-time-codes.ts';
import type { Pki } from './signing/pki/authority.ts';
import { createBuiltInPki } from './signing/pki/built-in.ts';
import { loadPkiFromPem, loadPkiFromPkcs12 } from './signing/pki/imported.ts';
import { createOcspResponder, type OcspResponder } from './signing/revocation/ocsp.ts';
import { TimestampAuthority } from './signing/tsa/authority.ts';
import { EmbeddedTsaClient, HttpTsaClient } from './signing/tsa/clients.ts';
import type { TimestampClient } from './signing/types.ts';
import { resolveMasterKey } from './security/master-key.ts';
import { ensureAdmin, Principals } from './services/principals.ts';
import { StaffAccounts } from './services/staff-accounts.ts';
import { ContractListing } from './services/contract/listing.ts';
import { Organisations } from './services/organisations.ts';
import { Certificates } from './services/certificates.ts';
import { Readiness } from './services/readiness.ts';
import { verifyUpload } from './services/verification.ts';
import { IsolatedVerifier } from './signing/verify/isolated.ts';
import { ObjectIntentSweep } from './services/batches/object-intents.ts';
import type { AuditAnchors } from './services/audit.ts';
import { ObjectArchive } from './storage/archive.ts';
import { ArchiveScrub } from './services/archive-scrub.ts';
import { LegalHolds } from './services/legal-holds.ts';
import { archiveScrubIntervalMinutes } from './jobs/archive-scrub.ts';
import { ContractPdfRenderer } from './pdf/contract-renderer.ts';
import { ContractService } from './services/contracts.ts';
import { AttachmentService } from './services/contract/attachments.ts';
import { SealingService } from './services/sealing.ts';
import { ContractQueries } from './services/contract/queries.ts';
import { WorkerSigningService } from './services/worker-signing.ts';
import { WorkerPortal } from './services/worker-portal.ts';
import { TerminationService } from './services/termination.ts';
import { SupervisionService } from './services/supervision.ts';
import { NamedAlerts } from './services/named-alerts.ts';
import { RosterQueries } from './services/roster-queries.ts';
import { OrganisationProfiles } from './services/organisation-profile.ts';
import { OfficialAccess } from './services/official-access.ts';
import { EvidenceService, ensurePlatformOrganisation } from './services/evidence.ts';
import { DailySupervision } from './services/daily-supervision.ts';
import { SupervisionFigures } from './services/supervision-figures.ts';
import { EmploymentHires } from './services/employment-hires.ts';
import { SupervisionOverview } from './services/supervision-overview.ts';
import { PaperContractService } from './services/paper-contracts.ts';
import { backgroundTasks, createQueues, startBackground } from './background.ts';
import { LifecycleService } from './services/lifecycle.ts';
import { JobQueue } from './jobs/queue.ts';
import { BatchService } from './services/batches.ts';
import { SealAuthorisations } from './services/seal-authorisations.ts';
import { GlyphOutliner } from './signing/appearance/outlines.ts';
import { TemplateCatalog } from './templates/catalog.ts';
import { encryptNamesAtRest } from './services/names-at-rest.ts';
import { AuditLog } from './services/audit.ts';
import { WebhookService, webhookQueuePolicy, type WebhookSettings } from './services/webhooks.ts';
import { Allowlist } from './webhooks/address-guard.ts';

export interface Platform {
  config: Config;
  db: Db;
  /** Appends to the audit trail; every event reaches this platform's webhooks in its transaction. */
  audit: AuditLog;
  archive: ObjectArchive;
  fieldCrypto: FieldCrypto;
  masterKey: Buffer;
  outbox: Outbox;
  codes: OneTimeCodes;
  pki: Pki;
  /** The platform's own RFC 3161 authority (also served at POST /tsa). */
  tsaAuthority: TimestampAuthority;
  /** Where signatures get their timestamps: external TSAs when configured, else the embedded one. */
  timestamps: TimestampClient;
  ocsp: OcspResponder;
  templates: TemplateCatalog;
  contracts: ContractService;
  contractQueries: ContractQueries;
  sealing: SealingService;
  workerSigning: WorkerSigningService;
  workerPortal: WorkerPortal;
  terminations: TerminationService;
  attachments: AttachmentService;
  supervision: SupervisionService;
  /** 存量合同备案: paper contracts registered with their scans. */
  paperContracts: PaperContractService;
  officialAccess: OfficialAccess;
  employmentHires: EmploymentHires;
  /** Alerts naming the worker (masked to officials' lists, in full on a logged view and to the employer). */
  namedAlerts: NamedAlerts;
  /** The employer's own roster list. */
  rosterQueries: RosterQueries;
  organisationProfiles: OrganisationProfiles;
  /** Arbitration and inspection cases and the legal holds they put on archived objects. */
  legalHolds: LegalHolds;
  /** Re-hashes archived objects (hourly pg-boss schedule, started with the workers). */
  archiveScrub: ArchiveScrub;
  objectIntents: ObjectIntentSweep;
  evidence: EvidenceService;
  /** Voiding, link expiry and the end of terms. */
  lifecycle: LifecycleService;
  dailySupervision: DailySupervision;
  supervisionFigures: SupervisionFigures;
  supervisionOverview: SupervisionOverview;
  /** Audit checkpoints: archive, TSA, trusted TSA certificates. */
  auditAnchors: AuditAnchors;
  queue: JobQueue;
  batches: BatchService;
  /** Registers the schedules and starts this process's background workers: every queue, batch jobs `batchWorkers` at a time (BATCH_WORKERS). */
  startWorkers(batchWorkers?: number): Promise<void>;
  sealAuthorisations: SealAuthorisations;
  /** API keys and console sessions to principals (the HTTP authentication hook). */
  principals: Principals;
  /** The employer's console users, their sign-in and sessions. */
  staffAccounts: StaffAccounts;
  /** The employer's contracts as the console lists and shows them. */
  contractListing: ContractListing;
  /** Employers, dispatch agencies and officials; an employer's own record and seal image. */
  organisations: Organisations;
  /** Public CA certificates, CRLs, OCSP, the TSA, and revocation by an administrator. */
  certificates: Certificates;
  /** Whether the database and object store answer (GET /readyz). */
  readiness: Readiness;
  /** 验签 of an uploaded PDF, matched against the archive. */
  verifier: { verifyUpload(pdf: Uint8Array): ReturnType<typeof verifyUpload> };
  /** Employers' webhook endpoints and deliveries (docs/WEBHOOKS.md). */
  webhooks: WebhookService;
  /**
   * Without ADMIN_TOKEN and with no admin yet, mints the admin key and returns it to be printed
   * once (only its hash is stored). `npm start` calls it once the service listens, so a start
   * that fails never mints a key nobody saw.
   */
  bootstrapAdmin(): Promise<string | undefined>;
  /** Which services are embedded, for /readyz and the start-up banner. */
  embedded: { postgres: boolean; s3: boolean };
  close(): Promise<void>;
}

export async function startPlatform(config: Config): Promise<Platform> {
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const server = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
      stops.push(() => server.stop());
      await ensureDatabase(server.serverUrl, 'laborsign');
      databaseUrl = server.urlFor('laborsign');
    }
    let s3 = config.MINIO_ENDPOINT ? { endpoint: config.MINIO_ENDPOINT, accessKey: config.MINIO_ACCESS_KEY ?? '', secretKey: config.MINIO_SECRET_KEY ?? '' } : undefined;
    if (!s3) {
      const server = await startEmbeddedS3({ dir: path.join(config.DATA_DIR, 's3'), port: config.EMBEDDED_S3_PORT });
      stops.push(() => server.stop());
      s3 = server;
    }

    await applyMigrations(databaseUrl);
    const db = createDb(databaseUrl);
    stops.push(() => db.$disconnect());
    const archive = new ObjectArchive({ ...s3, bucket: config.MINIO_BUCKET, region: config.MINIO_REGION, defaultLockDays: config.ARCHIVE_LOCK_DAYS });
    await archive.init();
    const masterKey = await resolveMasterKey(config.MASTER_KEY, config.DATA_DIR);
    // A configured ADMIN_TOKEN is registered now; a generated key only once the service listens (bootstrapAdmin).
    if (config.ADMIN_TOKEN) await ensureAdmin(db, config.ADMIN_TOKEN);
    const fieldCrypto = new FieldCrypto(masterKey);
    // Names written in the clear by earlier versions become ciphertexts before anything reads them.
    await encryptNamesAtRest(db, fieldCrypto);
    const pki = await configuredPki(config, masterKey, new PrismaCertificateStatusStore(db, fieldCrypto));
    const tsaAuthority = new TimestampAuthority(pki.tsa);
    const templates = await TemplateCatalog.load();
    const pdfRenderer = new ContractPdfRenderer();
    const renderer = { render: (input: Parameters<ContractPdfRenderer['renderTemplate']>[0]) => pdfRenderer.renderTemplate(input) };
    const timestamps: TimestampClient = config.TSA_URLS.length
      ? new HttpTsaClient(config.TSA_URLS, { timeoutMs: config.TSA_TIMEOUT_MS, retries: config.TSA_RETRIES })
      : new EmbeddedTsaClient(tsaAuthority);
    let outliner: GlyphOutliner | undefined;
    const ocsp = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore });
    const codes = new OneTimeCodes(Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'laborsign one-time codes v1', 32)));
    const gateway = config.SMS_GATEWAY_URL ? new HttpSmsGateway(config.SMS_GATEWAY_URL, config.SMS_GATEWAY_TOKEN) : new DevOutboxGateway();
    const queue = new JobQueue(databaseUrl, { maintenanceIntervalSeconds: Math.max(1, Math.min(30, Math.floor(config.BATCH_JOB_TIMEOUT_SECONDS / 2))) });
    await queue.start();
    stops.push(() => queue.stop());
    const outbox = new Outbox(db, fieldCrypto, gateway, queue);
    const webhookSettings: WebhookSettings = {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      attempts: config.WEBHOOK_ATTEMPTS,
      retryDelaySeconds: config.WEBHOOK_RETRY_DELAY_SECONDS,
      disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterHours: config.WEBHOOK_DISABLE_AFTER_HOURS,
      secretGraceHours: config.WEBHOOK_SECRET_GRACE_HOURS,
    };
    const webhooks = new WebhookService({ db, crypto: fieldCrypto, queue, allowlist: new Allowlist(config.WEBHOOK_ALLOWLIST), settings: webhookSettings });
    // Every audit append (the one place contract changes are recorded, in their transaction) queues its webhooks.
    const audit = new AuditLog((tx, events) => webhooks.enqueueFor(tx, events));
    const supervision = new SupervisionService({ db, audit, crypto: fieldCrypto, templates });
    const lifecycle = new LifecycleService({ db, audit, archive, outbox, crypto: fieldCrypto });
    const sealAuthorisations = new SealAuthorisations(db, audit);
    const sealing = new SealingService({ db, audit, archive, pki, timestamps, masterKey, outliner: () => (outliner ??= GlyphOutliner.fromFirstExisting()) });
    const workerSigning = new WorkerSigningService({
      db,
      audit,
      archive,
      crypto: fieldCrypto,
      outbox,
      codes,
      pki,
      ocsp,
      timestamps,
      outliner: () => (outliner ??= GlyphOutliner.fromFirstExisting()),
      publicBaseUrl: config.PUBLIC_BASE_URL,
      templates,
      linkTtlHours: config.SIGNING_LINK_TTL_HOURS,
      sealing,
    });
    const officialAccess = new OfficialAccess({ db, audit, crypto: fieldCrypto, archive, pki, supervision, feedSettleSeconds: config.INSURANCE_FEED_SETTLE_SECONDS });
    const platformOrganisation = ensurePlatformOrganisation(db, config);
    await platformOrganisation;
    const contracts = new ContractService({ db, audit, archive, crypto: fieldCrypto, templates, renderer });
    const archiveScrub = new ArchiveScrub({ db, audit, archive, periodDays: config.ARCHIVE_SCRUB_PERIOD_DAYS, intervalMinutes: archiveScrubIntervalMinutes });
    const batches = new BatchService({ db, audit, crypto: fieldCrypto, queue, contracts, sealing, workerSigning, sealAuthorisations, templates, archive, outbox });
    const supervisionFigures = new SupervisionFigures({ db });
    const dailySupervision = new DailySupervision({ db, supervision, figures: supervisionFigures });
    const platformTsa = Buffer.from(pki.tsa.certificate.der);
    // External TSAs are trusted as configured; the embedded one by its certificate.
    const auditAnchors: AuditAnchors = { archive, timestamps, trustsTsa: (certificate) => config.TSA_URLS.length > 0 || platformTsa.equals(Buffer.from(certificate.der)) };
    const staffAccounts = new StaffAccounts({ db, audit });
    const uploads = new IsolatedVerifier({ timeLimitMs: config.VERIFY_TIME_LIMIT_MS, memoryLimitMb: config.VERIFY_MEMORY_MB, threads: config.VERIFY_THREADS, queueLimit: config.VERIFY_QUEUE_LIMIT });
    stops.push(() => uploads.close());
    // An attempt that lost its lease stores for seconds at most; several job timeouts is ample.
    const objectIntents = new ObjectIntentSweep({ db, archive, graceSeconds: Math.max(600, 3 * config.BATCH_JOB_TIMEOUT_SECONDS) });
    const tasks = backgroundTasks({
      db,
      batches,
      objectIntents,
      outbox,
      lifecycle,
      dailySupervision,
      supervisionFigures,
      auditAnchors,
      archiveScrub,
      batchJobTimeoutSeconds: config.BATCH_JOB_TIMEOUT_SECONDS,
      webhooks,
      webhookPolicy: webhookQueuePolicy(webhookSettings),
    });
    await createQueues(queue, tasks);

    return {
      config,
      db,
      audit,
      archive,
      masterKey,
      fieldCrypto,
      outbox,
      pki,
      tsaAuthority,
      timestamps,
      templates,
      workerPortal: new WorkerPortal({ db, audit, crypto: fieldCrypto, outbox, codes, archive }),
      contracts,
      contractQueries: new ContractQueries({ db, archive, auditAnchors }),
      supervision,
      paperContracts: new PaperContractService({ db, audit, crypto: fieldCrypto, archive }),
      officialAccess,
      employmentHires: new EmploymentHires({ db, crypto: fieldCrypto, officialAccess }),
      namedAlerts: new NamedAlerts({ db, crypto: fieldCrypto, supervision }),
      rosterQueries: new RosterQueries({ db, crypto: fieldCrypto }),
      organisationProfiles: new OrganisationProfiles({ db, audit }),
      legalHolds: new LegalHolds({ db, audit, archive }),
      archiveScrub,
      objectIntents,
      lifecycle,
      dailySupervision,
      supervisionFigures,
      supervisionOverview: new SupervisionOverview({ db }),
      auditAnchors,
      evidence: new EvidenceService({ db, crypto: fieldCrypto, pki, templates, renderer, sealing, officialAccess, platform: () => platformOrganisation }),
      attachments: new AttachmentService({ db, audit, archive, crypto: fieldCrypto, templates, contracts }),
      sealing,
      sealAuthorisations,
      principals: new Principals({ db }),
      staffAccounts,
      contractListing: new ContractListing({ db, crypto: fieldCrypto, actorNames: staffAccounts }),
      organisations: new Organisations({ db, audit, archive }),
      certificates: new Certificates({ db, audit, pki, ocsp, tsa: tsaAuthority, crypto: fieldCrypto }),
      readiness: new Readiness({ db, archive, embedded: { postgres: !config.DATABASE_URL, s3: !config.MINIO_ENDPOINT } }),
      // Uploaded files are untrusted: verified in budgeted threads; archived ones (official access) in process.
      verifier: { verifyUpload: (pdf) => verifyUpload(db, pki, pdf, (bytes, options) => uploads.verify(bytes, options)) },
      webhooks,
      terminations: new TerminationService({ db, audit, archive, crypto: fieldCrypto, outbox, templates, renderer, sealing, publicBaseUrl: config.PUBLIC_BASE_URL }),
      workerSigning,
      queue,
      batches,
      startWorkers: (batchWorkers = config.BATCH_WORKERS) => startBackground(queue, tasks, { batchWorkers }),
      ocsp,
      codes,
      bootstrapAdmin: async () => (config.ADMIN_TOKEN ? undefined : (await ensureAdmin(db, undefined)).generatedKey),
      embedded: { postgres: !config.DATABASE_URL, s3: !config.MINIO_ENDPOINT },
      close: () => closeAll(stops),
    };
  } catch (error) {
    await closeAll(stops);
    throw error;
  }
}

/** The CA and TSA: generated under DATA_DIR, or imported (validated) from PKI_DIR. */
async function configuredPki(config: Config, masterKey: Buffer, statusStore: PrismaCertificateStatusStore): Promise<Pki> {
  const common = { baseUrl: config.PUBLIC_BASE_URL, statusStore, masterKey };
  if (config.PKI_SOURCE === 'builtin') return createBuiltInPki({ dataDir: config.DATA_DIR, ...common });
  const dir = config.PKI_DIR!;
  const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  const optional = (name: string) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name)) : undefined);
  if (config.PKI_SOURCE === 'pem') {
    return loadPkiFromPem({
      ...common,
      rootCertPem: text('root.pem'),
      caCertPem: text('ca.pem'),
      caKeyPem: text('ca.key'),
      tsaCertPem: text('tsa.pem'),
      tsaKeyPem: text('tsa.key'),
      ...(optional('ocsp.pem') ? { ocspCertPem: text('ocsp.pem'), ocspKeyPem: text('ocsp.key') } : {}),
      ...(config.PKI_PASSPHRASE ? { passphrase: config.PKI_PASSPHRASE } : {}),
    });
  }
  const ocspP12 = optional('ocsp.p12');
  return loadPkiFromPkcs12({
    ...common,
    rootCertPem: text('root.pem'),
    caP12: readFileSync(path.join(dir, 'ca.p12')),
    tsaP12: readFileSync(path.join(dir, 'tsa.p12')),
    password: config.PKI_PASSPHRASE ?? '',
    ...(ocspP12 ? { ocspP12 } : {}),
  });
}

async function closeAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
