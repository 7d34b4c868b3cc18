import { db } from "@/lib/platform/db.ts";
import { addSystem } from "@/lib/systems/systems.ts";
import { route } from "@/lib/web/route.ts";
import { z } from "zod";

// multipart: kind (a kind the registry lets admins add), name, and that kind's fields (lib/systems/kinds/).
export const POST = route(
  { role: "admin", body: "multipart", input: z.record(z.string(), z.unknown()) },
  async ({ user, input, params }) => Response.json(await addSystem(db(), user, params.id, input)),
);
