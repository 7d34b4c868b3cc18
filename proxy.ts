import { withAuth } from "next-auth/middleware";

// Signed-out visitors go to the login page. Roles are checked on the server by each page,
// action and route (lib/auth.ts, lib/access.ts), not here.
export default withAuth({ pages: { signIn: "/login" }, secret: process.env.AUTH_SECRET });

export const config = { matcher: ["/((?!login|api/auth|_next/static|_next/image|favicon.ico).*)"] };
