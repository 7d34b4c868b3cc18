import { db } from "@/lib/platform/db.ts";
import { exportSummaryCsv } from "@/lib/results/export.ts";
import { csvResponse } from "@/lib/web/csv-response.ts";
import { route } from "@/lib/web/route.ts";

export const GET = route({ role: "admin" }, async ({ user, params }) =>
  csvResponse(
    exportSummaryCsv(db(), user, params.id),
    `secondread-summary-${params.id}-${new Date().toISOString().slice(0, 10)}.csv`,
  ),
);
