-- AlterTable
ALTER TABLE "SupervisionFigure" ADD COLUMN     "employers" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "unsigned" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "SupervisionFigure_asOf_level_unsigned_headcount_key_idx" ON "SupervisionFigure"("asOf", "level", "unsigned" DESC, "headcount" DESC, "key");

-- CreateIndex
CREATE INDEX "SupervisionFigure_level_key_asOf_idx" ON "SupervisionFigure"("level", "key", "asOf");

-- Rows stored before: their ranking key and the employers summed into each region.
UPDATE "SupervisionFigure" SET "unsigned" = "required" - "signed";
UPDATE "SupervisionFigure" r SET "employers" = (
  SELECT count(*) FROM "SupervisionFigure" e
  WHERE e."asOf" = r."asOf" AND e.level = 'employer'
    AND e."regionCode" LIKE rtrim(CASE r.level WHEN 'province' THEN left(r.key, 2) WHEN 'city' THEN left(r.key, 4) ELSE r.key END, ' ') || '%')
WHERE r.level <> 'employer';
