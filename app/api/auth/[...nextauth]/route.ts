import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/accounts/auth.ts";
import { readBodyLimited } from "@/lib/platform/body-limit.ts";
import { sameOrigin } from "@/lib/web/route.ts";
import { refuseBodyType } from "@/lib/platform/same-origin.ts";
import { withRetryAfter } from "@/lib/accounts/sign-in-messages.ts";
import { inSignInLine, SignInBusy } from "@/lib/accounts/sign-in-throttle.ts";

// Options per request: whether the cookies it sets are Secure depends on how the request arrived.
const handler = (req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) =>
  NextAuth(req, ctx, authOptionsFor(req.headers));
export { handler as GET };

// next-auth checks its own CSRF token on sign-in, sign-out and session updates; the origin rule
// also covers what it does not (its unauthenticated _log endpoint). Its forms are tiny: the body
// is read within 64 KB, so a huge one (even chunked) is cut off instead of being buffered.
// Sign-ins wait their turn (a flood cannot take the server from everyone else); a limited one
// answers with Retry-After (and 429 for the login form's JSON request).
export async function POST(req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) {
  return sameOrigin(req, async () => {
    // Its forms post url-encoded; a JSON body would reach next-auth's own parser (a 500 when broken).
    const [action] = (await ctx.params).nextauth;
    const wrongType = ["signin", "callback", "signout"].includes(action) ? refuseBodyType(req, "form") : null;
    if (wrongType) return wrongType;
    let body: Uint8Array;
    try {
      body = await readBodyLimited(req, 64 * 1024);
    } catch (e) {
      return Response.json({ error: (e as Error).message }, { status: 413 });
    }
    const limited = new NextRequest(req.url, { method: "POST", headers: req.headers, body: body as BodyInit });
    try {
      return await withRetryAfter(await inSignInLine(() => handler(limited, ctx)));
    } catch (e) {
      if (e instanceof SignInBusy)
        return Response.json({ error: e.message }, { status: 503, headers: { "Retry-After": "5" } });
      throw e;
    }
  });
}
