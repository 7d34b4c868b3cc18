import { redirect } from "next/navigation";
import { currentUser } from "@/lib/accounts/auth.ts";
import { LoginForm } from "./login-form.tsx";
import { PageTitle } from "@/components/ui/card.tsx";

export const metadata = { title: "Sign in — SecondRead" };

export default async function LoginPage() {
  if (await currentUser()) redirect("/");
  return (
    <div className="mx-auto max-w-sm py-12">
      <PageTitle>Sign in to SecondRead</PageTitle>
      <p className="mt-2 text-sm text-stone-600">Blinded expert rating of radiology impressions.</p>
      <LoginForm />
    </div>
  );
}
