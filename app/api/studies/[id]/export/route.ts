import { assertAdmin } from "@/lib/access.ts";
import { db } from "@/lib/db.ts";
import { exportRatingsCsv } from "@/lib/export.ts";
import { withUser } from "@/lib/http.ts";

export async function GET(_req: Request, ctx: RouteContext<"/api/studies/[id]/export">) {
  return withUser(async (user) => {
    assertAdmin(user);
    const { id } = await ctx.params;
    const rows = exportRatingsCsv(db(), user, id);
    const first = await rows.next(); // surfaces 404 before the 200 header is sent
    const encoder = new TextEncoder();
    const stream = new ReadableStream({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel: () => void rows.return(undefined),
    });
    const date = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="secondread-ratings-${id}-${date}.csv"`, "Cache-Control": "no-store" },
    });
  });
}
