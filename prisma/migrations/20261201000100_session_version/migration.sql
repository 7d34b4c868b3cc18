-- Bumped by sign-out, deactivation and password changes: a session whose token carries an older
-- version is over (see lib/sessions.ts).
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
