-- AlterTable
ALTER TABLE "BatchRow" ADD COLUMN     "attemptId" UUID;
