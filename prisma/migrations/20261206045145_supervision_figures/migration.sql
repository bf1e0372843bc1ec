-- CreateTable
CREATE TABLE "SupervisionFigure" (
    "asOf" DATE NOT NULL,
    "level" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "regionCode" TEXT NOT NULL,
    "headcount" INTEGER NOT NULL,
    "required" INTEGER NOT NULL,
    "signed" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupervisionFigure_pkey" PRIMARY KEY ("asOf","level","key")
);

-- CreateIndex
CREATE INDEX "SupervisionFigure_asOf_level_regionCode_idx" ON "SupervisionFigure"("asOf", "level", "regionCode");
