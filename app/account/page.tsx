import { requireUser } from "@/lib/accounts/auth.ts";
import { ChangePasswordForm } from "./change-password-form.tsx";
import { Card, PageTitle } from "@/components/ui/card.tsx";

export const metadata = { title: "Account — SecondRead" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <div className="max-w-xl space-y-8">
      <PageTitle>Account</PageTitle>
      <p className="text-sm text-stone-600">
        Signed in as {user.email} ({user.role === "ADMIN" ? "study admin" : "rater"}).
      </p>
      <Card title="Change password">
        <ChangePasswordForm />
      </Card>
    </div>
  );
}
