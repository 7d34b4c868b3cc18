-- The sign-off module: would the rater sign the impression as it is, after minor or major edits,
-- or not at all; the edited impression is kept for the two edit levels only.

CREATE TYPE "SignOff" AS ENUM ('ACCEPT', 'MINOR_EDITS', 'MAJOR_EDITS', 'REJECT');

ALTER TABLE "Rating" ADD COLUMN "signOff" "SignOff",
    ADD COLUMN "editedText" TEXT,
    ADD CONSTRAINT "Rating_editedText_check"
        CHECK ("editedText" IS NULL OR "signOff" IN ('MINOR_EDITS', 'MAJOR_EDITS'));

-- A sign-off only where the study asks for one.
CREATE FUNCTION "rating_sign_off_fits"() RETURNS trigger AS $$
DECLARE
    study_name TEXT;
    asks BOOLEAN;
BEGIN
    IF NEW."signOff" IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT s."name", s."design" ? 'signOff' INTO study_name, asks
    FROM "Assignment" a
    JOIN "Case" k ON k."id" = a."caseId"
    JOIN "Study" s ON s."id" = k."studyId"
    WHERE a."id" = NEW."assignmentId";
    IF NOT asks THEN
        RAISE EXCEPTION 'Rating: study "%" does not ask for a sign-off', study_name
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Rating_sign_off_fits"
    BEFORE INSERT OR UPDATE OF "signOff" ON "Rating"
    FOR EACH ROW EXECUTE FUNCTION "rating_sign_off_fits"();
