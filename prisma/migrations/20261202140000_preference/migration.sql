-- The preference module: a rank per candidate within its case (1 = preferred; lib/rating/preference.ts).

ALTER TABLE "Rating" ADD COLUMN "rank" INTEGER,
    ADD CONSTRAINT "Rating_rank_check" CHECK ("rank" IS NULL OR "rank" >= 1);

-- A rank only where the study asks for a preference.
CREATE FUNCTION "rating_rank_fits"() RETURNS trigger AS $$
DECLARE
    study_name TEXT;
    asks BOOLEAN;
BEGIN
    IF NEW."rank" IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT s."name", s."design" ? 'preference' INTO study_name, asks
    FROM "Assignment" a
    JOIN "Case" k ON k."id" = a."caseId"
    JOIN "Study" s ON s."id" = k."studyId"
    WHERE a."id" = NEW."assignmentId";
    IF NOT asks THEN
        RAISE EXCEPTION 'Rating: study "%" does not ask for a preference', study_name
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Rating_rank_fits"
    BEFORE INSERT OR UPDATE OF "rank" ON "Rating"
    FOR EACH ROW EXECUTE FUNCTION "rating_rank_fits"();
