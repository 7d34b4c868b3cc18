"use server";
import { requireUser } from "@/lib/auth.ts";
import { db } from "@/lib/db.ts";
import { NotFoundError, UserInputError } from "@/lib/errors.ts";
import { ratingInput, saveRating } from "@/lib/rating.ts";
import type { z } from "zod";

export type SaveResult = { ok: true; complete: boolean } | { ok: false; error: string; retry: boolean };

/**
 * Saves one candidate's scores for the signed-in rater (idempotent; see lib/rating.ts).
 * Every failure comes back as a value: the form keeps the scores and retries what may pass
 * later (server trouble), and shows what will not (a case that changed).
 */
export async function saveRatingAction(input: z.input<typeof ratingInput>): Promise<SaveResult> {
  const user = await requireUser();
  try {
    return { ok: true, ...(await saveRating(db(), user.id, input)) };
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof UserInputError) return { ok: false, error: e.message, retry: false };
    console.error(e);
    return { ok: false, error: "The server could not save this score yet.", retry: true };
  }
}
