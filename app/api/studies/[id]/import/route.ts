import { db } from "@/lib/platform/db.ts";
import { env } from "@/lib/platform/env.ts";
import { fileField, readForm, mutation } from "@/lib/web/http.ts";
import { importCases, previewImport } from "@/lib/studies/import.ts";
import { assertAdmin } from "@/lib/accounts/access.ts";

// multipart: file, mode=preview|import, findings/impression/sourceId column names, skipIncomplete=1
export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/import">) {
  return mutation(req, "multipart", async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const form = await readForm(req, env().IMPORT_MAX_BYTES);
    const file = await fileField(form, "file", env().IMPORT_MAX_BYTES);
    if (form.get("mode") === "preview") return Response.json(await previewImport(file));
    const col = (k: string) => String(form.get(k) ?? "") || undefined;
    const result = await importCases(db(), user, id, {
      ...file,
      mapping: { findings: col("findings"), impression: col("impression"), sourceId: col("sourceId") },
      skipIncomplete: form.get("skipIncomplete") === "1",
    });
    return Response.json(result);
  });
}
