import { db } from "@/lib/platform/db.ts";
import { exportOutputsCsv } from "@/lib/results/export.ts";
import { csvResponse } from "@/lib/web/csv-response.ts";
import { route } from "@/lib/web/route.ts";

export const GET = route({ role: "admin" }, async ({ user, params }) =>
  csvResponse(
    exportOutputsCsv(db(), user, params.id),
    `secondread-outputs-${params.id}-${new Date().toISOString().slice(0, 10)}.csv`,
  ),
);
