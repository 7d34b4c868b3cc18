-- A study's one description was shown to raters and named the systems. It becomes the admins'
-- notes (never sent to a rater); raters get instructions of their own, empty until written.
ALTER TABLE "Study" RENAME COLUMN "description" TO "adminNotes";
ALTER TABLE "Study" ADD COLUMN "raterInstructions" TEXT NOT NULL DEFAULT '';
