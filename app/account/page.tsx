import { requireUser } from "@/lib/accounts/auth.ts";
import { Card } from "@/components/ui.tsx";
import { ChangePasswordForm } from "./change-password-form.tsx";

export const metadata = { title: "Account — SecondRead" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <div className="max-w-xl space-y-8">
      <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
      <p className="text-sm text-stone-600">
        Signed in as {user.email} ({user.role === "ADMIN" ? "study admin" : "rater"}).
      </p>
      <Card title="Change password">
        <ChangePasswordForm />
      </Card>
    </div>
  );
}
