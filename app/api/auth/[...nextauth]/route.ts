import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/auth.ts";
import { readBodyLimited } from "@/lib/body-limit.ts";
import { sameOrigin } from "@/lib/http.ts";

// Options per request: whether the cookies it sets are Secure depends on how the request arrived.
const handler = (req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) => NextAuth(req, ctx, authOptionsFor(req.headers));
export { handler as GET };

// next-auth checks its own CSRF token on sign-in, sign-out and session updates; the origin rule
// also covers what it does not (its unauthenticated _log endpoint). Its forms are tiny: the body
// is read within 64 KB, so a huge one (even chunked) is cut off instead of being buffered.
export async function POST(req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) {
  return sameOrigin(req, async () => {
    let body: Uint8Array;
    try {
      body = await readBodyLimited(req, 64 * 1024);
    } catch (e) {
      return Response.json({ error: (e as Error).message }, { status: 413 });
    }
    return handler(new NextRequest(req.url, { method: "POST", headers: req.headers, body: body as BodyInit }), ctx);
  });
}
