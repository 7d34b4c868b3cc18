"use server";
import { requireUser } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { saveRatingResult, type ratingInput, type SaveResult } from "@/lib/rating/rating.ts";
import type { z } from "zod";

/** Saves one candidate's scores for the signed-in rater (idempotent; see lib/rating/rating.ts). */
export async function saveRatingAction(input: z.input<typeof ratingInput>): Promise<SaveResult> {
  const user = await requireUser();
  return saveRatingResult(db(), user.id, input);
}
