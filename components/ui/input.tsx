// Text inputs, text areas and selects with one look; `className` adds to it (a width, say).
const BASE = "mt-1 block w-full rounded border border-stone-300 px-3 py-2 text-sm";

export function Input({ className = "", ...props }: React.InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${BASE} ${className}`.trim()} {...props} />;
}

export function Textarea({ className = "", ...props }: React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={`${BASE} ${className}`.trim()} {...props} />;
}

export function Select({ className = "", ...props }: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={`${BASE} ${className}`.trim()} {...props} />;
}
