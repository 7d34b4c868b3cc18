import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth.ts";
import { withRetryAfter } from "@/lib/sign-in-messages.ts";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };
// A limited sign-in answers with Retry-After (and 429 for the login form's JSON request).
const POST = async (req: Request, ctx: Context) => withRetryAfter(await handler(req, ctx));
export { handler as GET, POST };
