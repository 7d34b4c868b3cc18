-- A study's life: DRAFT (configured, not visible to raters) -> OPEN -> CLOSED (read-only, results
-- final); reopening is an admin's audited action. Studies that exist are being rated: OPEN.

CREATE TYPE "StudyState" AS ENUM ('DRAFT', 'OPEN', 'CLOSED');

ALTER TABLE "Study" ADD COLUMN "state" "StudyState" NOT NULL DEFAULT 'OPEN';
ALTER TABLE "Study" ALTER COLUMN "state" SET DEFAULT 'DRAFT';

-- Answers are written only while their study is open, whoever writes them.
CREATE FUNCTION "answer_study_open"() RETURNS trigger AS $$
DECLARE
    study_name TEXT;
    study_state "StudyState";
BEGIN
    -- (Separate statements: a Rating row has no "ratingId" field to read.)
    IF TG_TABLE_NAME = 'Rating' THEN
        SELECT s."name", s."state" INTO study_name, study_state
        FROM "Assignment" a
        JOIN "Case" k ON k."id" = a."caseId"
        JOIN "Study" s ON s."id" = k."studyId"
        WHERE a."id" = NEW."assignmentId";
    ELSE
        SELECT s."name", s."state" INTO study_name, study_state
        FROM "Rating" r
        JOIN "Assignment" a ON a."id" = r."assignmentId"
        JOIN "Case" k ON k."id" = a."caseId"
        JOIN "Study" s ON s."id" = k."studyId"
        WHERE r."id" = NEW."ratingId";
    END IF;
    IF study_state <> 'OPEN' THEN
        RAISE EXCEPTION '%: study "%" is % and takes no answers', TG_TABLE_NAME, study_name, lower(study_state::text)
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Rating_study_open" BEFORE INSERT OR UPDATE ON "Rating"
    FOR EACH ROW EXECUTE FUNCTION "answer_study_open"();
CREATE TRIGGER "Score_study_open" BEFORE INSERT OR UPDATE ON "Score"
    FOR EACH ROW EXECUTE FUNCTION "answer_study_open"();
CREATE TRIGGER "ErrorMark_study_open" BEFORE INSERT OR UPDATE ON "ErrorMark"
    FOR EACH ROW EXECUTE FUNCTION "answer_study_open"();
