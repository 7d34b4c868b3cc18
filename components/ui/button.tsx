// Buttons in two weights: the one action a panel is for, and the others.
type Variant = "primary" | "secondary";

const CLASSES: Record<Variant, string> = {
  primary: "rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50",
  secondary:
    "rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-100 disabled:opacity-50",
};

/** For a link or label that must look like a button. */
export const buttonClass = (variant: Variant = "primary") => CLASSES[variant];

export function Button({
  variant = "primary",
  className = "",
  type = "submit",
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type={type} className={`${CLASSES[variant]} ${className}`.trim()} {...props} />;
}
