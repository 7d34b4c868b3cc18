"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { changePasswordAction } from "./actions.ts";
import { Field } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";

export function ChangePasswordForm() {
  return (
    <ActionForm
      action={changePasswordAction}
      submit="Change password"
      success={() => <span>Password changed. You were signed out everywhere else.</span>}
    >
      <Field>
        Current password
        <Input name="currentPassword" type="password" required autoComplete="current-password" />
      </Field>
      <Field>
        New password <span className="font-normal text-stone-500">(at least 10 characters)</span>
        <Input
          name="newPassword"
          type="password"
          required
          minLength={10}
          maxLength={1000}
          autoComplete="new-password"
        />
      </Field>
      <Field>
        Repeat new password
        <Input name="repeatPassword" type="password" required autoComplete="new-password" />
      </Field>
    </ActionForm>
  );
}
