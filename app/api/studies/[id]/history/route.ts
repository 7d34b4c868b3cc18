import { db } from "@/lib/platform/db.ts";
import { exportHistoryCsv } from "@/lib/results/history.ts";
import { csvResponse } from "@/lib/web/csv-response.ts";
import { route } from "@/lib/web/route.ts";

export const GET = route({ role: "admin" }, async ({ user, params }) =>
  csvResponse(
    exportHistoryCsv(db(), user, params.id),
    `secondread-history-${params.id}-${new Date().toISOString().slice(0, 10)}.csv`,
  ),
);
