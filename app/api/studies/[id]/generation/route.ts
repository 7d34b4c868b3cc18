import { z } from "zod";
import {
  cancelGeneration,
  generatedSystems,
  generationProgress,
  queueFor,
  startGeneration,
} from "@/lib/generation/generation.ts";
import { db } from "@/lib/platform/db.ts";
import { required } from "@/lib/platform/env.ts";
import { UserInputError } from "@/lib/platform/errors.ts";
import { route } from "@/lib/web/route.ts";

/** Progress of every generated system of the study. */
export const GET = route({ role: "admin" }, async ({ user, params }) => {
  await queueFor(required("DATABASE_URL"));
  const systems = await generatedSystems(db(), user, params.id);
  const progress = await Promise.all(
    systems.map(async (s) => ({ name: s.name, ...(await generationProgress(db(), s.id)) })),
  );
  return Response.json({ systems: progress }, { headers: { "Cache-Control": "no-store" } });
});

const input = z.object({
  systemId: z.string({ error: "choose a generated system of this study." }),
  action: z.enum(["start", "cancel"], { error: 'must be "start" or "cancel".' }),
});

/** { systemId, action: "start" | "cancel" }; "start" also retries failures (only missing outputs are queued). */
export const POST = route(
  { role: "admin", body: "json", input, labels: { systemId: "System", action: "Action" } },
  async ({ user, input: { systemId, action }, params }) => {
    if (!(await generatedSystems(db(), user, params.id)).some((s) => s.id === systemId))
      throw new UserInputError("System: choose a generated system of this study.");
    const boss = await queueFor(required("DATABASE_URL"));
    const run = action === "start" ? startGeneration : cancelGeneration;
    return Response.json(await run(db(), boss, user, systemId));
  },
);
