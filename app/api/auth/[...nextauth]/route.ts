import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth.ts";
import { sameOrigin } from "@/lib/http.ts";

const handler = NextAuth(authOptions);
export { handler as GET };

// next-auth checks its own CSRF token on sign-in, sign-out and session updates; the origin rule
// also covers what it does not (its unauthenticated _log endpoint).
export async function POST(req: Request, ctx: RouteContext<"/api/auth/[...nextauth]">) {
  return sameOrigin(req, () => handler(req, ctx));
}
