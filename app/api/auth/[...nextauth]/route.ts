import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth.ts";
import { withRetryAfter } from "@/lib/sign-in-messages.ts";
import { inSignInLine, SignInBusy } from "@/lib/sign-in-throttle.ts";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };
// Sign-ins wait their turn (a flood cannot take the server from everyone else); a limited one answers
// with Retry-After (and 429 for the login form's JSON request).
async function POST(req: Request, ctx: Context) {
  try {
    return await withRetryAfter(await inSignInLine(() => handler(req, ctx)));
  } catch (e) {
    if (e instanceof SignInBusy) return Response.json({ error: e.message }, { status: 503, headers: { "Retry-After": "5" } });
    throw e;
  }
}
export { handler as GET, POST };
