import { z } from "zod";
import { db } from "@/lib/platform/db.ts";
import { optionalText, uploadedFile } from "@/lib/platform/validation.ts";
import { importCases, previewImport } from "@/lib/studies/import.ts";
import { route } from "@/lib/web/route.ts";

const input = z.object({
  file: uploadedFile,
  mode: z.enum(["preview", "import"]).default("import"),
  findings: optionalText,
  impression: optionalText,
  sourceId: optionalText,
  skipIncomplete: z.enum(["0", "1"]).default("0"),
});

// multipart: file, mode=preview|import, findings/impression/sourceId column names, skipIncomplete=1
export const POST = route(
  { role: "admin", body: "multipart", input, labels: { file: "File" } },
  async ({ user, input: { file, mode, findings, impression, sourceId, skipIncomplete }, params }) => {
    if (mode === "preview") return Response.json(await previewImport(file));
    return Response.json(
      await importCases(db(), user, params.id, {
        ...file,
        mapping: { findings, impression, sourceId },
        skipIncomplete: skipIncomplete === "1",
      }),
    );
  },
);
