import { withAuth } from "next-auth/middleware";

// Signed-out visitors go to the login page. Roles are checked on the server by each page,
// action and route (lib/auth.ts, lib/access.ts), not here. API routes answer 401 themselves
// and stay out of the proxy, which would buffer (and cap) large uploads.
export default withAuth({ pages: { signIn: "/login" }, secret: process.env.AUTH_SECRET, cookies: { sessionToken: { name: "next-auth.session-token" } } });

export const config = { matcher: ["/((?!login|api/|_next/static|_next/image|favicon.ico).*)"] };
