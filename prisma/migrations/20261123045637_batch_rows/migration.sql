-- CreateTable
CREATE TABLE "BatchRow" (
    "batchId" UUID NOT NULL,
    "row" INTEGER NOT NULL,
    "fieldsCipher" BYTEA NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "contractId" UUID,
    "error" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BatchRow_pkey" PRIMARY KEY ("batchId","row")
);

-- CreateIndex
CREATE INDEX "BatchRow_batchId_status_idx" ON "BatchRow"("batchId", "status");

-- AddForeignKey
ALTER TABLE "BatchRow" ADD CONSTRAINT "BatchRow_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
