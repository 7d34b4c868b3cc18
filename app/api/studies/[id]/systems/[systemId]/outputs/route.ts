import { z } from "zod";
import { db } from "@/lib/platform/db.ts";
import { uploadedFile } from "@/lib/platform/validation.ts";
import { completeSystem } from "@/lib/systems/systems.ts";
import { route } from "@/lib/web/route.ts";

// multipart: file (the library file of a retrieval system made from one, or the outputs of an imported system)
export const POST = route(
  { role: "admin", body: "multipart", input: z.object({ file: uploadedFile.optional() }), labels: { file: "File" } },
  async ({ user, input, params }) =>
    Response.json(await completeSystem(db(), user, params.id, params.systemId, input.file ?? null)),
);
