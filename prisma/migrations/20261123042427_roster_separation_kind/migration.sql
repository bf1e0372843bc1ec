-- AlterTable
ALTER TABLE "RosterEntry" ADD COLUMN     "postCategory" TEXT,
ADD COLUMN     "separationKind" TEXT;
