-- CreateTable
CREATE TABLE "ObjectIntent" (
    "key" TEXT NOT NULL,
    "attemptId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ObjectIntent_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ObjectIntent_createdAt_idx" ON "ObjectIntent"("createdAt");
