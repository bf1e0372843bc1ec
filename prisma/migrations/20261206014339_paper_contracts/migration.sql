-- AlterEnum
ALTER TYPE "DocumentKind" ADD VALUE 'paper_scan';

-- CreateTable
CREATE TABLE "PaperContract" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "workerId" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "paperNumber" TEXT,
    "employmentForm" TEXT NOT NULL,
    "termType" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE,
    "signedOn" DATE NOT NULL,
    "post" TEXT,
    "monthlyWage" DECIMAL(12,2),
    "regionCode" TEXT NOT NULL,
    "renewedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PaperContract_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PaperContract_documentId_key" ON "PaperContract"("documentId");

-- CreateIndex
CREATE INDEX "PaperContract_workerId_idx" ON "PaperContract"("workerId");

-- CreateIndex
CREATE INDEX "PaperContract_regionCode_idx" ON "PaperContract"("regionCode");

-- CreateIndex
CREATE UNIQUE INDEX "PaperContract_organisationId_workerId_kind_startDate_key" ON "PaperContract"("organisationId", "workerId", "kind", "startDate");

-- AddForeignKey
ALTER TABLE "PaperContract" ADD CONSTRAINT "PaperContract_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaperContract" ADD CONSTRAINT "PaperContract_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaperContract" ADD CONSTRAINT "PaperContract_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
