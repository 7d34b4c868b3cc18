import { z } from "zod";
import { db } from "@/lib/platform/db.ts";
import { previewPrompt } from "@/lib/systems/systems.ts";
import { route } from "@/lib/web/route.ts";

export const POST = route(
  {
    role: "admin",
    body: "json",
    input: z.object({ template: z.string().default("") }),
    labels: { template: "Template" },
  },
  async ({ user, input, params }) => Response.json(await previewPrompt(db(), user, params.id, input.template)),
);
