import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth.ts";
import { readBodyLimited } from "@/lib/body-limit.ts";

const handler = NextAuth(authOptions);

// Sign-in and sign-out forms are tiny: the body is read within 64 KB, so a huge one (even
// chunked, without Content-Length) is cut off instead of being buffered by next-auth.
async function POST(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  let body: Uint8Array;
  try {
    body = await readBodyLimited(req, 64 * 1024);
  } catch (e) {
    return Response.json({ error: (e as Error).message }, { status: 413 });
  }
  return handler(new NextRequest(req.url, { method: "POST", headers: req.headers, body: body as BodyInit }), ctx);
}

export { handler as GET, POST };
