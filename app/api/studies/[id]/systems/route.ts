import { assertAdmin } from "@/lib/access.ts";
import { db } from "@/lib/db.ts";
import { readEnv } from "@/lib/env.ts";
import { fileField, readForm, withUser } from "@/lib/http.ts";
import { addImportedSystem, addRetrievalSystem } from "@/lib/systems.ts";

// multipart: kind=retrieval|imported, name, library=study|file, file
export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/systems">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const form = await readForm(req, readEnv().IMPORT_MAX_BYTES);
    const name = String(form.get("name") ?? "");
    const max = readEnv().IMPORT_MAX_BYTES;
    if (form.get("kind") === "retrieval") {
      const library = form.get("library") === "file" ? await fileField(form, "file", max) : null;
      const system = await addRetrievalSystem(db(), user, id, { name, library });
      return Response.json({ id: system.id });
    }
    const { system, missing } = await addImportedSystem(db(), user, id, { name, file: await fileField(form, "file", max) });
    return Response.json({ id: system.id, missing });
  });
}
