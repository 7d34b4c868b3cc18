-- Practice cases: cases every rater answers first, with the answers the admin expects shown after
-- they answer; kept out of every result and export of the study's ratings (lib/studies/practice.ts).

ALTER TABLE "Case" ADD COLUMN "practice" BOOLEAN NOT NULL DEFAULT false,
    -- The admin's word to the rater about this case, shown with the expected answers.
    ADD COLUMN "practiceNote" TEXT NOT NULL DEFAULT '';
-- The scores the admin expects for this output of a practice case: {"scores": {"<criterion>": n}}.
ALTER TABLE "Output" ADD COLUMN "expected" JSONB;

-- Which cases are practice decides which answers count: fixed once raters have saved a rating.
CREATE FUNCTION "case_practice_locked"() RETURNS trigger AS $$
BEGIN
    IF NEW."practice" IS DISTINCT FROM OLD."practice" AND EXISTS (
        SELECT 1 FROM "Rating" r
        JOIN "Assignment" a ON a."id" = r."assignmentId"
        JOIN "Case" k ON k."id" = a."caseId"
        WHERE k."studyId" = OLD."studyId"
    ) THEN
        RAISE EXCEPTION 'Case % of its study: practice cases are fixed, raters have saved ratings', OLD."position"
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Case_practice_locked"
    BEFORE UPDATE OF "practice" ON "Case"
    FOR EACH ROW EXECUTE FUNCTION "case_practice_locked"();
