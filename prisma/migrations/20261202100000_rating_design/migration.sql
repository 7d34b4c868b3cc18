-- A study's rating design (lib/rating/design.ts) and scores stored per criterion instead of five
-- fixed columns. Every existing study gets the paper's five criteria on a 1-5 scale (what its raters
-- answered), and every score moves to the Score table under its criterion's key: none is lost.

ALTER TABLE "Study" ADD COLUMN "design" JSONB NOT NULL DEFAULT '{"scores":{"criteria":[{"key":"understandability","name":"Understandability","definition":"Can a clinician read and understand the impression without effort?","points":5,"low":"hard to understand","high":"immediately clear"},{"key":"coherence","name":"Coherence","definition":"Is the impression logically consistent, internally and with the findings?","points":5,"low":"contradictory or disjointed","high":"fully consistent"},{"key":"relevance","name":"Relevance","definition":"Does it address the findings that matter for this patient?","points":5,"low":"misses what matters","high":"captures all that matters"},{"key":"conciseness","name":"Conciseness","definition":"Is it as short as it can be without leaving out anything important?","points":5,"low":"verbose or padded","high":"nothing to cut"},{"key":"clinicalUtility","name":"Clinical utility","definition":"Would this impression help the referring clinician decide what to do next?","points":5,"low":"no help or misleading","high":"directly actionable"}]}}';
-- New studies get their design from the application (one default, in design.ts).
ALTER TABLE "Study" ALTER COLUMN "design" DROP DEFAULT;

CREATE TABLE "Score" (
    "ratingId" TEXT NOT NULL,
    "criterion" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    CONSTRAINT "Score_pkey" PRIMARY KEY ("ratingId", "criterion"),
    CONSTRAINT "Score_ratingId_fkey" FOREIGN KEY ("ratingId") REFERENCES "Rating"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

INSERT INTO "Score" ("ratingId", "criterion", "value")
  SELECT "id", 'understandability', "understandability" FROM "Rating" WHERE "understandability" IS NOT NULL;
INSERT INTO "Score" ("ratingId", "criterion", "value")
  SELECT "id", 'coherence', "coherence" FROM "Rating" WHERE "coherence" IS NOT NULL;
INSERT INTO "Score" ("ratingId", "criterion", "value")
  SELECT "id", 'relevance', "relevance" FROM "Rating" WHERE "relevance" IS NOT NULL;
INSERT INTO "Score" ("ratingId", "criterion", "value")
  SELECT "id", 'conciseness', "conciseness" FROM "Rating" WHERE "conciseness" IS NOT NULL;
INSERT INTO "Score" ("ratingId", "criterion", "value")
  SELECT "id", 'clinicalUtility', "clinicalUtility" FROM "Rating" WHERE "clinicalUtility" IS NOT NULL;

ALTER TABLE "Rating" DROP CONSTRAINT "Rating_scores_check";
ALTER TABLE "Rating" DROP COLUMN "understandability", DROP COLUMN "coherence", DROP COLUMN "relevance",
    DROP COLUMN "conciseness", DROP COLUMN "clinicalUtility";

-- A score must belong to a criterion of its study's design and lie on that criterion's scale,
-- whoever writes it.
CREATE FUNCTION "score_fits_design"() RETURNS trigger AS $$
DECLARE
    study_name TEXT;
    points INTEGER;
BEGIN
    SELECT s."name", (c->>'points')::int INTO study_name, points
    FROM "Rating" r
    JOIN "Assignment" a ON a."id" = r."assignmentId"
    JOIN "Case" k ON k."id" = a."caseId"
    JOIN "Study" s ON s."id" = k."studyId"
    LEFT JOIN LATERAL jsonb_array_elements(s."design"->'scores'->'criteria') c ON c->>'key' = NEW."criterion"
    WHERE r."id" = NEW."ratingId";
    IF points IS NULL THEN
        RAISE EXCEPTION 'Score: "%" is not a criterion of study "%"', NEW."criterion", study_name
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."value" < 1 OR NEW."value" > points THEN
        RAISE EXCEPTION 'Score: % for "%" is outside its scale 1-%', NEW."value", NEW."criterion", points
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Score_fits_design"
    BEFORE INSERT OR UPDATE ON "Score"
    FOR EACH ROW EXECUTE FUNCTION "score_fits_design"();

-- The design is locked once a rating exists in the study: a changed question would change what
-- every saved answer means.
CREATE FUNCTION "study_design_locked"() RETURNS trigger AS $$
BEGIN
    IF NEW."design" IS DISTINCT FROM OLD."design" AND EXISTS (
        SELECT 1 FROM "Rating" r
        JOIN "Assignment" a ON a."id" = r."assignmentId"
        JOIN "Case" k ON k."id" = a."caseId"
        WHERE k."studyId" = OLD."id"
    ) THEN
        RAISE EXCEPTION 'Study "%": the rating design is locked, raters have saved ratings', OLD."name"
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Study_design_locked"
    BEFORE UPDATE OF "design" ON "Study"
    FOR EACH ROW EXECUTE FUNCTION "study_design_locked"();
