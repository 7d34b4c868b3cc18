import { assertAdmin } from "@/lib/access.ts";
import { db } from "@/lib/db.ts";
import { readJsonLimited } from "@/lib/body-limit.ts";
import { mutation } from "@/lib/http.ts";
import { previewPrompt } from "@/lib/llm-systems.ts";

export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/prompt-preview">) {
  return mutation(req, "json", async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const { template } = await readJsonLimited<{ template?: string }>(req, 256 * 1024, {});
    return Response.json(await previewPrompt(db(), user, id, String(template ?? "")));
  });
}
