-- Answer history: every change of a rater's answer to a candidate is kept with the time it was
-- saved. Filled by the database at commit, whatever wrote the answer, so no code path can forget it.

CREATE TABLE "AnswerRevision" (
    "id" BIGSERIAL NOT NULL,
    "ratingId" TEXT NOT NULL,
    -- 1, 2, … per rating, in the order the changes were committed.
    "revision" INTEGER NOT NULL,
    "savedAt" TIMESTAMP(3) NOT NULL,
    -- The whole answer as it then stood: scores, errors, "no errors", sign-off, edited text, rank, comment.
    "answer" JSONB NOT NULL,
    CONSTRAINT "AnswerRevision_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AnswerRevision_ratingId_revision_key" ON "AnswerRevision"("ratingId", "revision");
ALTER TABLE "AnswerRevision" ADD CONSTRAINT "AnswerRevision_ratingId_fkey"
    FOREIGN KEY ("ratingId") REFERENCES "Rating"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The answer of one rating as it stands (null when the rating is gone).
CREATE FUNCTION "rating_answer"(rating_id TEXT) RETURNS JSONB AS $$
    SELECT jsonb_build_object(
        'scores', COALESCE((SELECT jsonb_agg(jsonb_build_object('criterion', s."criterion", 'value', s."value")
                            ORDER BY s."criterion") FROM "Score" s WHERE s."ratingId" = r."id"), '[]'::jsonb),
        'errors', COALESCE((SELECT jsonb_agg(jsonb_build_object('category', e."category", 'significant', e."significant",
                            'note', e."note") ORDER BY e."position") FROM "ErrorMark" e WHERE e."ratingId" = r."id"), '[]'::jsonb),
        'noErrors', r."noErrors",
        'signOff', r."signOff",
        'editedText', r."editedText",
        'rank', r."rank",
        'comment', r."comment")
    FROM "Rating" r WHERE r."id" = rating_id
$$ LANGUAGE sql STABLE;

-- At commit: a revision when the answer differs from the last one kept (a repeated save, or the
-- several rows one save writes, make one revision or none).
CREATE FUNCTION "record_answer_revision"() RETURNS trigger AS $$
DECLARE
    rid TEXT;
    now_answer JSONB;
    last_answer JSONB;
    last_revision INTEGER;
BEGIN
    -- (Separate branches: a record's fields are resolved when a statement first runs.)
    IF TG_TABLE_NAME = 'Rating' THEN
        rid := NEW."id";
    ELSIF TG_OP = 'DELETE' THEN
        rid := OLD."ratingId";
    ELSE
        rid := NEW."ratingId";
    END IF;
    -- Serialises two commits on one rating, so revisions are numbered without gaps or twins.
    PERFORM 1 FROM "Rating" WHERE "id" = rid FOR UPDATE;
    now_answer := "rating_answer"(rid);
    IF now_answer IS NULL THEN
        RETURN NULL; -- the rating itself is being deleted
    END IF;
    SELECT "answer", "revision" INTO last_answer, last_revision
    FROM "AnswerRevision" WHERE "ratingId" = rid ORDER BY "revision" DESC LIMIT 1;
    IF last_answer IS DISTINCT FROM now_answer THEN
        INSERT INTO "AnswerRevision" ("ratingId", "revision", "savedAt", "answer")
        VALUES (rid, COALESCE(last_revision, 0) + 1, timezone('UTC', clock_timestamp()), now_answer);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER "Rating_answer_revision"
    AFTER INSERT OR UPDATE ON "Rating" DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "record_answer_revision"();
CREATE CONSTRAINT TRIGGER "Score_answer_revision"
    AFTER INSERT OR UPDATE OR DELETE ON "Score" DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "record_answer_revision"();
CREATE CONSTRAINT TRIGGER "ErrorMark_answer_revision"
    AFTER INSERT OR UPDATE OR DELETE ON "ErrorMark" DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "record_answer_revision"();

-- Answers saved before this migration: their present state is their first revision.
INSERT INTO "AnswerRevision" ("ratingId", "revision", "savedAt", "answer")
SELECT r."id", 1, r."updatedAt", "rating_answer"(r."id") FROM "Rating" r;
