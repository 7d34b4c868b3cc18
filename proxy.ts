import { withAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { refuseCrossOrigin } from "./lib/platform/same-origin.ts";
import { HSTS, pageCsp, servedOverHttps } from "./lib/platform/security-headers.ts";
import { env } from "./lib/platform/env.ts";

// Signed-out visitors go to the login page. Roles are checked on the server by each page,
// action and route (lib/accounts/auth.ts, lib/accounts/access.ts), not here. API routes answer 401 themselves
// and stay out of the proxy, which would buffer (and cap) large uploads.
const auth = withAuth({
  pages: { signIn: "/login" },
  secret: env().AUTH_SECRET,
  cookies: { sessionToken: { name: "next-auth.session-token" } },
});

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  // No page has a NUL in its address, and no database could look one up (it would be a 500).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL in the address is what it refuses
  if (/%00|\u0000/i.test(req.nextUrl.pathname))
    return new NextResponse("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });

  // Anything but GET/HEAD to a page is a server action (Next-Action header, or a form posting
  // $ACTION_ID_…). Next.js only answers a foreign Origin with a 500 and lets a missing one through.
  const refused = refuseCrossOrigin(req, env().NEXTAUTH_URL);
  if (refused) return refused;

  // withAuth leaves /login alone and redirects signed-out visitors elsewhere.
  const redirect = await auth(req as NextRequestWithAuth, event);
  if (redirect) return redirect;

  const nonce = btoa(crypto.randomUUID());
  const https = servedOverHttps(req.headers, env().NEXTAUTH_URL);
  const csp = pageCsp(nonce, { dev: env().NODE_ENV === "development", https });
  // Next.js reads the nonce from the request's policy and puts it on its own scripts.
  const headers = new Headers(req.headers);
  headers.set("Content-Security-Policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", csp);
  if (https) res.headers.set("Strict-Transport-Security", HSTS);
  return res;
}

export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
