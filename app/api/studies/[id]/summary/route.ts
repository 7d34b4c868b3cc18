import { assertAdmin } from "@/lib/access.ts";
import { csvResponse } from "@/lib/csv-response.ts";
import { db } from "@/lib/db.ts";
import { exportSummaryCsv } from "@/lib/export.ts";
import { withUser } from "@/lib/http.ts";

export async function GET(_req: Request, ctx: RouteContext<"/api/studies/[id]/summary">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    return csvResponse(exportSummaryCsv(db(), user, id), `secondread-summary-${id}-${new Date().toISOString().slice(0, 10)}.csv`);
  });
}
