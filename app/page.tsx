import { redirect } from "next/navigation";
import { requireUser } from "@/lib/accounts/auth.ts";

export default async function Home() {
  const user = await requireUser();
  redirect(user.role === "ADMIN" ? "/admin" : "/rate");
}
