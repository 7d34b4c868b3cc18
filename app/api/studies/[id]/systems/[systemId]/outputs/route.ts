import { assertAdmin } from "@/lib/accounts/access.ts";
import { db } from "@/lib/platform/db.ts";
import { env } from "@/lib/platform/env.ts";
import { fileField, readForm, mutation } from "@/lib/web/http.ts";
import { completeSystem } from "@/lib/systems/systems.ts";

// multipart: file (the library file of a retrieval system made from one, or the outputs of an imported system)
export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/systems/[systemId]/outputs">) {
  return mutation(req, "multipart", async (user) => {
    assertAdmin(user);
    const { id, systemId } = await ctx.params;
    const max = env().IMPORT_MAX_BYTES;
    const form = await readForm(req, max);
    const file =
      form.get("file") instanceof File && (form.get("file") as File).size > 0
        ? await fileField(form, "file", max)
        : null;
    return Response.json(await completeSystem(db(), user, id, systemId, file));
  });
}
