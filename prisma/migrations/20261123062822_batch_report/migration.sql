-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "finishedAt" TIMESTAMP(3),
ADD COLUMN     "rejected" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'json';

-- AlterTable
ALTER TABLE "BatchRow" ADD COLUMN     "objectKey" TEXT;
