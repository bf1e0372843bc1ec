-- CreateEnum
CREATE TYPE "CaseKind" AS ENUM ('arbitration', 'inspection');

-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "checkedAt" TIMESTAMP(3),
ADD COLUMN     "versionId" TEXT;

-- CreateTable
CREATE TABLE "ArchiveFinding" (
    "id" BIGSERIAL NOT NULL,
    "documentId" UUID NOT NULL,
    "problem" TEXT NOT NULL,
    "actualSha256" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArchiveFinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficialCase" (
    "id" UUID NOT NULL,
    "kind" "CaseKind" NOT NULL,
    "caseNumber" TEXT NOT NULL,
    "contractId" UUID NOT NULL,
    "openedBy" UUID NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedBy" UUID,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "OfficialCase_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ArchiveFinding_documentId_idx" ON "ArchiveFinding"("documentId");

-- CreateIndex
CREATE INDEX "OfficialCase_contractId_closedAt_idx" ON "OfficialCase"("contractId", "closedAt");

-- CreateIndex
CREATE INDEX "Document_checkedAt_idx" ON "Document"("checkedAt");

-- AddForeignKey
ALTER TABLE "ArchiveFinding" ADD CONSTRAINT "ArchiveFinding_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficialCase" ADD CONSTRAINT "OfficialCase_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
