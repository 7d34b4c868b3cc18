"use server";
import { headers } from "next/headers";
import { z } from "zod";
import { changeOwnPassword } from "@/lib/accounts/accounts.ts";
import { reissueSession } from "@/lib/accounts/auth.ts";
import { ACCOUNT_LABELS } from "@/lib/accounts/users.ts";
import { clientAddress } from "@/lib/platform/client-address.ts";
import { db } from "@/lib/platform/db.ts";
import { env } from "@/lib/platform/env.ts";
import { formAction } from "@/lib/web/action.ts";

const passwordForm = z.object({
  currentPassword: z.string().default(""),
  newPassword: z.string().default(""),
  repeatPassword: z.string().default(""),
});

/** Every other session of the user ends; this browser's continues under a re-issued cookie. */
export const changePasswordAction = formAction(
  { role: "user", input: passwordForm, labels: ACCOUNT_LABELS },
  async ({ user, input }) => {
    const address = clientAddress(await headers(), env().SECONDREAD_TRUST_PROXY);
    const { sessionVersion } = await changeOwnPassword(db(), user, input, address);
    await reissueSession(user, sessionVersion);
  },
);
