-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "signatureSlots" JSONB;
