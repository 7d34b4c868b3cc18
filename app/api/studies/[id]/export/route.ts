import { assertAdmin } from "@/lib/access.ts";
import { csvResponse } from "@/lib/csv-response.ts";
import { db } from "@/lib/db.ts";
import { exportRatingsCsv } from "@/lib/export.ts";
import { withUser } from "@/lib/http.ts";

export async function GET(_req: Request, ctx: RouteContext<"/api/studies/[id]/export">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    return csvResponse(exportRatingsCsv(db(), user, id), `secondread-ratings-${id}-${new Date().toISOString().slice(0, 10)}.csv`);
  });
}
