-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('employer', 'dispatch_agency');

-- CreateEnum
CREATE TYPE "PrincipalKind" AS ENUM ('admin', 'employer', 'official');

-- CreateEnum
CREATE TYPE "OfficialRole" AS ENUM ('insurance', 'arbitration', 'inspection', 'employment');

-- CreateEnum
CREATE TYPE "ContractStatus" AS ENUM ('draft', 'sealed', 'sent', 'signed', 'declined', 'voided', 'link_expired', 'renewed', 'changed', 'terminated', 'expired');

-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('draft', 'sealed', 'signed', 'termination_certificate', 'attachment', 'evidence', 'seal_image', 'signature_image');

-- CreateTable
CREATE TABLE "Organisation" (
    "id" UUID NOT NULL,
    "kind" "OrganisationKind" NOT NULL DEFAULT 'employer',
    "name" TEXT NOT NULL,
    "uscc" TEXT NOT NULL,
    "legalRepresentative" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "regionCode" TEXT NOT NULL,
    "phone" TEXT,
    "dispatchLicence" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Official" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "OfficialRole" NOT NULL,
    "regionCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Official_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiPrincipal" (
    "id" UUID NOT NULL,
    "kind" "PrincipalKind" NOT NULL,
    "label" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "organisationId" UUID,
    "officialId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiPrincipal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" UUID NOT NULL,
    "nameCipher" BYTEA NOT NULL,
    "idCipher" BYTEA NOT NULL,
    "idIndex" TEXT NOT NULL,
    "phoneCipher" BYTEA,
    "phoneIndex" TEXT,
    "birthDate" DATE,
    "sex" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateVersion" (
    "templateId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "firstUsedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateVersion_pkey" PRIMARY KEY ("templateId","version")
);

-- CreateTable
CREATE TABLE "Contract" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "employerId" UUID NOT NULL,
    "agencyId" UUID,
    "workerId" UUID NOT NULL,
    "templateId" TEXT NOT NULL,
    "templateVersion" TEXT NOT NULL,
    "fieldsCipher" BYTEA NOT NULL,
    "status" "ContractStatus" NOT NULL DEFAULT 'draft',
    "employmentForm" TEXT NOT NULL,
    "termType" TEXT NOT NULL,
    "startDate" DATE,
    "endDate" DATE,
    "probationEnd" DATE,
    "monthlyWage" DECIMAL(12,2),
    "regionCode" TEXT NOT NULL,
    "previousId" UUID,
    "batchId" UUID,
    "batchRow" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "effectiveAt" TIMESTAMP(3),
    "terminatedAt" DATE,
    "retainUntil" DATE,
    "revision" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Document" (
    "id" UUID NOT NULL,
    "contractId" UUID,
    "kind" "DocumentKind" NOT NULL,
    "objectKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "retainUntil" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Signature" (
    "id" UUID NOT NULL,
    "contractId" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "fieldName" TEXT NOT NULL,
    "signerName" TEXT NOT NULL,
    "certificateSerial" TEXT NOT NULL,
    "signedAt" TIMESTAMP(3) NOT NULL,
    "timestampAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Signature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "serial" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "organisationId" UUID,
    "der" BYTEA NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revocationReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("serial")
);

-- CreateTable
CREATE TABLE "SealAuthorisation" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "templateIds" TEXT[],
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validUntil" TIMESTAMP(3) NOT NULL,
    "grantedBy" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,

    CONSTRAINT "SealAuthorisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "idempotencyKey" TEXT,
    "templateId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "rowCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RosterEntry" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "workerId" UUID NOT NULL,
    "employmentForm" TEXT NOT NULL,
    "hireDate" DATE NOT NULL,
    "separationDate" DATE,
    "post" TEXT,
    "agencyUscc" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RosterEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "chain" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "contractId" UUID,
    "type" TEXT NOT NULL,
    "actorKind" TEXT NOT NULL,
    "actorId" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "data" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessLog" (
    "id" BIGSERIAL NOT NULL,
    "officialId" UUID NOT NULL,
    "contractId" UUID,
    "workerId" UUID,
    "action" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "caseNumber" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_uscc_key" ON "Organisation"("uscc");

-- CreateIndex
CREATE INDEX "Organisation_regionCode_idx" ON "Organisation"("regionCode");

-- CreateIndex
CREATE UNIQUE INDEX "ApiPrincipal_keyHash_key" ON "ApiPrincipal"("keyHash");

-- CreateIndex
CREATE INDEX "ApiPrincipal_organisationId_idx" ON "ApiPrincipal"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "Worker_idIndex_key" ON "Worker"("idIndex");

-- CreateIndex
CREATE INDEX "Worker_phoneIndex_idx" ON "Worker"("phoneIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_number_key" ON "Contract"("number");

-- CreateIndex
CREATE INDEX "Contract_employerId_status_idx" ON "Contract"("employerId", "status");

-- CreateIndex
CREATE INDEX "Contract_workerId_idx" ON "Contract"("workerId");

-- CreateIndex
CREATE INDEX "Contract_regionCode_idx" ON "Contract"("regionCode");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_batchId_batchRow_key" ON "Contract"("batchId", "batchRow");

-- CreateIndex
CREATE INDEX "Document_contractId_kind_idx" ON "Document"("contractId", "kind");

-- CreateIndex
CREATE INDEX "Document_sha256_idx" ON "Document"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Signature_contractId_role_documentId_key" ON "Signature"("contractId", "role", "documentId");

-- CreateIndex
CREATE INDEX "Certificate_issuer_revokedAt_idx" ON "Certificate"("issuer", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_organisationId_idempotencyKey_key" ON "Batch"("organisationId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "RosterEntry_organisationId_separationDate_idx" ON "RosterEntry"("organisationId", "separationDate");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chain_seq_key" ON "AuditEvent"("chain", "seq");

-- CreateIndex
CREATE INDEX "AccessLog_workerId_idx" ON "AccessLog"("workerId");

-- AddForeignKey
ALTER TABLE "ApiPrincipal" ADD CONSTRAINT "ApiPrincipal_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiPrincipal" ADD CONSTRAINT "ApiPrincipal_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_employerId_fkey" FOREIGN KEY ("employerId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_templateId_templateVersion_fkey" FOREIGN KEY ("templateId", "templateVersion") REFERENCES "TemplateVersion"("templateId", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signature" ADD CONSTRAINT "Signature_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signature" ADD CONSTRAINT "Signature_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SealAuthorisation" ADD CONSTRAINT "SealAuthorisation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RosterEntry" ADD CONSTRAINT "RosterEntry_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RosterEntry" ADD CONSTRAINT "RosterEntry_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessLog" ADD CONSTRAINT "AccessLog_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessLog" ADD CONSTRAINT "AccessLog_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE SET NULL ON UPDATE CASCADE;

