"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { inputClass } from "@/components/ui.tsx";
import { changePasswordAction } from "./actions.ts";

export function ChangePasswordForm() {
  return (
    <ActionForm
      action={changePasswordAction}
      submit="Change password"
      success={() => <span>Password changed. You were signed out everywhere else.</span>}
    >
      <label className="block text-sm font-medium">
        Current password
        <input name="currentPassword" type="password" required autoComplete="current-password" className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        New password <span className="font-normal text-stone-500">(at least 10 characters)</span>
        <input
          name="newPassword"
          type="password"
          required
          minLength={10}
          maxLength={1000}
          autoComplete="new-password"
          className={inputClass}
        />
      </label>
      <label className="block text-sm font-medium">
        Repeat new password
        <input name="repeatPassword" type="password" required autoComplete="new-password" className={inputClass} />
      </label>
    </ActionForm>
  );
}
