import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">403 — Not allowed</h1>
      <p className="mt-3 text-stone-600">Your account does not have access to this page.</p>
      <Link href="/" className="mt-6 inline-block text-sky-700 underline">
        Go to your start page
      </Link>
    </div>
  );
}
