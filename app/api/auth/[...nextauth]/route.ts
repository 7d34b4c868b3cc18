import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/auth.ts";
import { sameOrigin } from "@/lib/http.ts";

// Options per request: whether the cookies it sets are Secure depends on how the request arrived.
const handler = (req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) => NextAuth(req, ctx, authOptionsFor(req.headers));
export { handler as GET };

// next-auth checks its own CSRF token on sign-in, sign-out and session updates; the origin rule
// also covers what it does not (its unauthenticated _log endpoint).
export async function POST(req: NextRequest, ctx: RouteContext<"/api/auth/[...nextauth]">) {
  return sameOrigin(req, () => handler(req, ctx));
}
