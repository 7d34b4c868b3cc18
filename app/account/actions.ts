"use server";
import { toResult } from "@/lib/web/action-result.ts";
import { changeOwnPassword } from "@/lib/accounts/accounts.ts";
import { reissueSession, requireUser } from "@/lib/accounts/auth.ts";
import { clientAddress } from "@/lib/platform/client-address.ts";
import { db } from "@/lib/platform/db.ts";
import { env } from "@/lib/platform/env.ts";
import { headers } from "next/headers";

/** Every other session of the user ends; this browser's continues under a re-issued cookie. */
export async function changePasswordAction(_: unknown, form: FormData) {
  const user = await requireUser();
  return toResult(async () => {
    const { sessionVersion } = await changeOwnPassword(
      db(),
      user,
      {
        currentPassword: String(form.get("currentPassword") ?? ""),
        newPassword: String(form.get("newPassword") ?? ""),
        repeatPassword: String(form.get("repeatPassword") ?? ""),
      },
      clientAddress(await headers(), env().SECONDREAD_TRUST_PROXY),
    );
    await reissueSession(user, sessionVersion);
  });
}
