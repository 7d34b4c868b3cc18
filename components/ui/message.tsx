// What an action says back: an error or a confirmation (both read out by screen readers).
export function ErrorText({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="text-sm text-red-700">
      {children}
    </p>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="text-sm text-emerald-800">
      {children}
    </p>
  );
}
