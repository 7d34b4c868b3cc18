// A labelled control: the label wraps it (so a click on the words focuses it), with an optional hint.
export function Field({ hint, children }: { hint?: React.ReactNode; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children
    <label className="block text-sm font-medium">
      {children}
      {hint && <span className="mt-1 block text-xs font-normal text-stone-500">{hint}</span>}
    </label>
  );
}

/** One choice of a radio group or a checkbox, the words after the box. */
export function Choice({
  children,
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { children: React.ReactNode }) {
  return (
    <label className="flex items-center gap-2">
      <input {...props} /> {children}
    </label>
  );
}
