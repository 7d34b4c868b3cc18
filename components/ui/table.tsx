// Data tables: a caption, a header row of column names, body rows separated by a hairline.
export function Table({
  head,
  caption,
  children,
  className = "",
  ...props
}: React.TableHTMLAttributes<HTMLTableElement> & { head: React.ReactNode; caption?: React.ReactNode }) {
  return (
    <table className={`w-full text-sm ${className}`.trim()} {...props}>
      {caption && <caption className="mb-1 text-left font-medium">{caption}</caption>}
      <thead className="text-left text-stone-500">
        <tr>{head}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function Row({ children, ...props }: React.HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr className="border-t border-stone-100" {...props}>
      {children}
    </tr>
  );
}
