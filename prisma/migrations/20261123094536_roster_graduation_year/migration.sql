-- AlterTable
ALTER TABLE "RosterEntry" ADD COLUMN     "graduationYear" INTEGER;
