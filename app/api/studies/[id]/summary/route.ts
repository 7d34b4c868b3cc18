import { assertAdmin } from "@/lib/accounts/access.ts";
import { csvResponse } from "@/lib/web/csv-response.ts";
import { db } from "@/lib/platform/db.ts";
import { exportSummaryCsv } from "@/lib/results/export.ts";
import { withUser } from "@/lib/web/http.ts";

export async function GET(_req: Request, ctx: RouteContext<"/api/studies/[id]/summary">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    return csvResponse(
      exportSummaryCsv(db(), user, id),
      `secondread-summary-${id}-${new Date().toISOString().slice(0, 10)}.csv`,
    );
  });
}
