import { assertAdmin } from "@/lib/accounts/access.ts";
import { db } from "@/lib/platform/db.ts";
import { readJsonLimited } from "@/lib/platform/body-limit.ts";
import { mutation } from "@/lib/web/http.ts";
import { previewPrompt } from "@/lib/systems/llm-systems.ts";

export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/prompt-preview">) {
  return mutation(req, "json", async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const { template } = await readJsonLimited<{ template?: string }>(req, 256 * 1024, {});
    return Response.json(await previewPrompt(db(), user, id, String(template ?? "")));
  });
}
