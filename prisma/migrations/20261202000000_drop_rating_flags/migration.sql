-- Rating.flags was never written by any form or API (every row holds the empty default), so
-- dropping it loses nothing; the ratings export loses its always-empty "flags" column.
ALTER TABLE "Rating" DROP COLUMN "flags";
