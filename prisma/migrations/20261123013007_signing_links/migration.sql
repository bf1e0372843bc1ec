-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "sealImageKey" TEXT,
ADD COLUMN     "sealImageSha256" TEXT;

-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN     "keyCipher" BYTEA;

-- CreateTable
CREATE TABLE "SigningLink" (
    "id" UUID NOT NULL,
    "contractId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lockedAt" TIMESTAMP(3),
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "identityVerifiedAt" TIMESTAMP(3),
    "readToEndAt" TIMESTAMP(3),

    CONSTRAINT "SigningLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OneTimeCode" (
    "id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OneTimeCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "recipientCipher" BYTEA NOT NULL,
    "recipientIndex" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "bodyCipher" BYTEA NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningSession" (
    "id" UUID NOT NULL,
    "linkId" UUID NOT NULL,
    "preparedPdf" BYTEA NOT NULL,
    "byteRange" INTEGER[],
    "signedAttributes" BYTEA NOT NULL,
    "certificateSerial" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "SigningSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PortalSession" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "phoneIndex" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PortalSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SigningLink_tokenHash_key" ON "SigningLink"("tokenHash");

-- CreateIndex
CREATE INDEX "SigningLink_contractId_idx" ON "SigningLink"("contractId");

-- CreateIndex
CREATE INDEX "OneTimeCode_purpose_subject_idx" ON "OneTimeCode"("purpose", "subject");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_createdAt_idx" ON "OutboxMessage"("status", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_recipientIndex_idx" ON "OutboxMessage"("recipientIndex");

-- CreateIndex
CREATE UNIQUE INDEX "PortalSession_tokenHash_key" ON "PortalSession"("tokenHash");

-- AddForeignKey
ALTER TABLE "SigningLink" ADD CONSTRAINT "SigningLink_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningSession" ADD CONSTRAINT "SigningSession_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "SigningLink"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
