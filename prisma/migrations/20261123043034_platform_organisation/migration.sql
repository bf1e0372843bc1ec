-- AlterEnum
ALTER TYPE "OrganisationKind" ADD VALUE 'platform';
