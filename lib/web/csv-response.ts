import "server-only";

/** Streams CSV chunks from an async generator; its first chunk is awaited so errors become 4xx, not a broken 200. */
export async function csvResponse(rows: AsyncGenerator<string>, fileName: string): Promise<Response> {
  const first = await rows.next();
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
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
