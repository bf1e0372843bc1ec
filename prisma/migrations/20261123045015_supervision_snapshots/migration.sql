-- CreateTable
CREATE TABLE "SupervisionSnapshot" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "asOf" DATE NOT NULL,
    "headcount" INTEGER NOT NULL,
    "required" INTEGER NOT NULL,
    "signed" INTEGER NOT NULL,
    "alertCount" INTEGER NOT NULL,
    "alerts" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupervisionSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionSnapshot_organisationId_asOf_key" ON "SupervisionSnapshot"("organisationId", "asOf");

-- AddForeignKey
ALTER TABLE "SupervisionSnapshot" ADD CONSTRAINT "SupervisionSnapshot_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
