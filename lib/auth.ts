import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { db } from "./db.ts";
import { checkCredentials, type Actor } from "./users.ts";
import { clientAddress } from "./client-address.ts";
import { readEnv } from "./env.ts";
import { limitedSignIn } from "./sign-in-throttle.ts";

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const { email, password } = credentials;
        // Throws SignInLimited (its message tells the login form when to try again) once limits are reached.
        const from = { email, address: clientAddress(req?.headers ?? {}, readEnv().SECONDREAD_TRUST_PROXY) };
        const user = await limitedSignIn(db(), from, () => checkCredentials(db(), email, password));
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  ],
  callbacks: {
    // The token carries only the user id: role and active are read from the database on every request,
    // so demoting or disabling an account takes effect at once.
    jwt: ({ token, user }) => (user ? { ...token, sub: user.id } : token),
    session: ({ session, token }) => ({ ...session, userId: token.sub }),
  },
};

export type SessionUser = Actor & { email: string; name: string };

/** The signed-in, active user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions)) as { userId?: string } | null;
  if (!session?.userId) return null;
  const user = await db().user.findUnique({ where: { id: session.userId }, select: { id: true, role: true, email: true, name: true, active: true } });
  return user?.active ? user : null;
}

/** For pages: redirects to the login page when signed out. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

/** For pages and actions: a rater gets 403 from admin pages (see app/forbidden.tsx). */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "ADMIN") forbidden();
  return user;
}
