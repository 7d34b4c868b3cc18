import { assertAdmin } from "@/lib/accounts/access.ts";
import { db } from "@/lib/platform/db.ts";
import { env } from "@/lib/platform/env.ts";
import { UserInputError } from "@/lib/platform/errors.ts";
import { fileField, readForm, mutation } from "@/lib/web/http.ts";
import { addLlamaSystem, addOpenAiSystem } from "@/lib/systems/llm-systems.ts";
import { addImportedSystem, addRetrievalSystem } from "@/lib/systems/systems.ts";

// multipart: kind=retrieval|imported|llama, name, library=study|file, file;
// for llama: model, adapter (repeated), adapterScale:<file>, template, settings (JSON);
// for openai: baseUrl, endpointModel, apiKeyEnv, template, settings
export async function POST(req: Request, ctx: RouteContext<"/api/studies/[id]/systems">) {
  return mutation(req, "multipart", async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const form = await readForm(req, env().IMPORT_MAX_BYTES);
    const name = String(form.get("name") ?? "");
    const max = env().IMPORT_MAX_BYTES;
    if (form.get("kind") === "retrieval") {
      const library = form.get("library") === "file" ? await fileField(form, "file", max) : null;
      const system = await addRetrievalSystem(db(), user, id, { name, library });
      return Response.json({ id: system.id });
    }
    if (form.get("kind") === "llama" || form.get("kind") === "openai") {
      const adapters = form
        .getAll("adapter")
        .map(String)
        .filter(Boolean)
        .map((file) => ({ file, scale: Number(form.get(`adapterScale:${file}`) ?? 1) }));
      let settings: Record<string, unknown>;
      try {
        settings = JSON.parse(String(form.get("settings") || "{}"));
      } catch {
        throw new UserInputError("The generation settings are not valid JSON.");
      }
      const template = String(form.get("template") ?? "");
      const system =
        form.get("kind") === "openai"
          ? await addOpenAiSystem(db(), user, id, {
              name,
              baseUrl: String(form.get("baseUrl") ?? ""),
              model: String(form.get("endpointModel") ?? ""),
              apiKeyEnv: String(form.get("apiKeyEnv") ?? ""),
              template,
              settings,
            })
          : await addLlamaSystem(db(), user, id, {
              name,
              model: String(form.get("model") ?? ""),
              adapters,
              template,
              settings,
            });
      return Response.json({ id: system.id });
    }
    const { system, missing } = await addImportedSystem(db(), user, id, {
      name,
      file: await fileField(form, "file", max),
    });
    return Response.json({ id: system.id, missing });
  });
}
