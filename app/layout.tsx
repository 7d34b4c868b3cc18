import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import "./globals.css";
import { currentUser } from "@/lib/accounts/auth.ts";
import { SignOutButton } from "@/components/sign-out-button.tsx";

export const metadata: Metadata = {
  title: "SecondRead",
  description: "Blinded expert rating of radiology impressions",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: Next.js puts the nonce of the request's CSP (proxy.ts) on its scripts.
  await connection();
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-stone-200 bg-white">
          <nav className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3 text-sm" aria-label="Main">
            <Link href="/" className="font-semibold tracking-tight text-stone-900">
              SecondRead
            </Link>
            {user?.role === "ADMIN" && (
              <Link href="/admin" className="text-stone-600 hover:text-stone-900">
                Studies
              </Link>
            )}
            {user?.role === "ADMIN" && (
              <Link href="/admin/users" className="text-stone-600 hover:text-stone-900">
                Users
              </Link>
            )}
            {user && (
              <Link href="/rate" className="text-stone-600 hover:text-stone-900">
                My ratings
              </Link>
            )}
            <span className="flex-1" />
            {user && (
              <Link href="/account" className="text-stone-500 hover:text-stone-900" title="Account">
                {user.email}
              </Link>
            )}
            {user && <SignOutButton />}
          </nav>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}
