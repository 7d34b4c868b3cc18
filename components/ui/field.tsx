// A labelled control: the label wraps it, so a click on the words focuses it.
export function Field({ children }: { children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children
    <label className="block text-sm font-medium">{children}</label>
  );
}

/** A radio group from a list of [value, words] pairs. */
export function Choices<T extends string>({
  name,
  options,
  value,
  onChange,
}: {
  name: string;
  options: readonly (readonly [T, string])[];
  value: T;
  onChange: (value: T) => void;
}) {
  return options.map(([option, words]) => (
    <label key={option} className="flex items-center gap-2">
      <input type="radio" name={name} value={option} checked={value === option} onChange={() => onChange(option)} />{" "}
      {words}
    </label>
  ));
}
