import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/auth.ts";

// Options per request: whether the cookies it sets are Secure depends on how the request arrived.
const handler = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req, ctx, authOptionsFor(req.headers));
export { handler as GET, handler as POST };
