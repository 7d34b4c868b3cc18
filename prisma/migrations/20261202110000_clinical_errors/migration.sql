-- The clinical-errors module (ReXVal's six categories, each error clinically significant or not),
-- and designs without scores: the score trigger already refuses a score where the design has none.

CREATE TYPE "ErrorCategory" AS ENUM ('FALSE_FINDING', 'MISSED_FINDING', 'WRONG_LOCATION', 'WRONG_SEVERITY', 'FALSE_COMPARISON', 'MISSED_COMPARISON');

ALTER TABLE "Rating" ADD COLUMN "noErrors" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "ErrorMark" (
    "id" TEXT NOT NULL,
    "ratingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "category" "ErrorCategory" NOT NULL,
    "significant" BOOLEAN NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "ErrorMark_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ErrorMark_position_check" CHECK ("position" >= 1),
    CONSTRAINT "ErrorMark_ratingId_fkey" FOREIGN KEY ("ratingId") REFERENCES "Rating"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ErrorMark_ratingId_position_key" ON "ErrorMark"("ratingId", "position");

-- An error only where the study asks for them, and never on a rating marked "no errors".
CREATE FUNCTION "error_mark_fits"() RETURNS trigger AS $$
DECLARE
    study_name TEXT;
    asks BOOLEAN;
    none BOOLEAN;
BEGIN
    SELECT s."name", s."design" ? 'errors', r."noErrors" INTO study_name, asks, none
    FROM "Rating" r
    JOIN "Assignment" a ON a."id" = r."assignmentId"
    JOIN "Case" k ON k."id" = a."caseId"
    JOIN "Study" s ON s."id" = k."studyId"
    WHERE r."id" = NEW."ratingId";
    IF NOT asks THEN
        RAISE EXCEPTION 'ErrorMark: study "%" does not ask for clinical errors', study_name
            USING ERRCODE = 'check_violation';
    END IF;
    IF none THEN
        RAISE EXCEPTION 'ErrorMark: rating % is marked as having no errors', NEW."ratingId"
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "ErrorMark_fits"
    BEFORE INSERT OR UPDATE ON "ErrorMark"
    FOR EACH ROW EXECUTE FUNCTION "error_mark_fits"();

-- And the other way round: a rating with errors cannot be marked "no errors".
CREATE FUNCTION "rating_no_errors_fits"() RETURNS trigger AS $$
BEGIN
    IF NEW."noErrors" AND EXISTS (SELECT 1 FROM "ErrorMark" e WHERE e."ratingId" = NEW."id") THEN
        RAISE EXCEPTION 'Rating %: marked as having no errors while errors are recorded', NEW."id"
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Rating_no_errors_fits"
    BEFORE INSERT OR UPDATE OF "noErrors" ON "Rating"
    FOR EACH ROW EXECUTE FUNCTION "rating_no_errors_fits"();
