-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "industry" TEXT,
ADD COLUMN     "ownership" TEXT,
ADD COLUMN     "sizeClass" TEXT;
