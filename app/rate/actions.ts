"use server";
import { toResult } from "@/lib/action-result.ts";
import { requireUser } from "@/lib/auth.ts";
import { db } from "@/lib/db.ts";
import { ratingInput, saveRating } from "@/lib/rating.ts";
import type { z } from "zod";

/** Saves one candidate's scores for the signed-in rater (idempotent; see lib/rating.ts). */
export async function saveRatingAction(input: z.input<typeof ratingInput>) {
  const user = await requireUser();
  return toResult(() => saveRating(db(), user.id, input));
}
