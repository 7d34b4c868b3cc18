import { assertAdmin } from "@/lib/accounts/access.ts";
import { db } from "@/lib/platform/db.ts";
import { UserInputError } from "@/lib/platform/errors.ts";
import {
  cancelGeneration,
  generatedSystems,
  generationProgress,
  queueFor,
  startGeneration,
} from "@/lib/generation/generation.ts";
import { readJsonLimited } from "@/lib/platform/body-limit.ts";
import { mutation, withUser } from "@/lib/web/http.ts";
import { required } from "@/lib/platform/env.ts";

/** Progress of every generated system of the study. */
export async function GET(_req: Request, ctx: RouteContext<"/api/studies/[id]/generation">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    await queueFor(required("DATABASE_URL"));
    const systems = await generatedSystems(db(), user, id);
    const progress = await Promise.all(
      systems.map(async (s) => ({ name: s.name, ...(await generationProgress(db(), s.id)) })),
    );
    return Response.json({ systems: progress }, { headers: { "Cache-Control": "no-store" } });
  });
}

/** { systemId, action: "start" | "cancel" }; "start" also retries failures (only missing outputs are queued). */
export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/generation">) {
  return mutation(req, "json", async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const body = await readJsonLimited<{ systemId?: string; action?: string }>(req, 256 * 1024, {});
    if (!(await generatedSystems(db(), user, id)).some((s) => s.id === body.systemId))
      throw new UserInputError("Choose a generated system of this study.");
    const boss = await queueFor(required("DATABASE_URL"));
    if (body.action === "start") return Response.json(await startGeneration(db(), boss, user, body.systemId!));
    if (body.action === "cancel") return Response.json(await cancelGeneration(db(), boss, user, body.systemId!));
    throw new UserInputError('The action must be "start" or "cancel".');
  });
}
