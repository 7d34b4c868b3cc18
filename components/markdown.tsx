import ReactMarkdown, { defaultUrlTransform } from "react-markdown";

// What study instructions may use: text structure, emphasis, links and code. No raw HTML (skipped,
// never injected) and no images (a picture from another server would tell it who reads the study).
const ALLOWED = [
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "ul",
  "ol",
  "li",
  "strong",
  "em",
  "a",
  "code",
  "pre",
  "blockquote",
  "hr",
  "br",
];

/** Links only to the web or to mail; anything else (javascript:, data:) becomes an empty href. */
function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:)/i.test(cleaned) ? cleaned : "";
}

/** Markdown written by a study admin, rendered as plain React elements. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div
      className={
        className ??
        "prose-sm space-y-2 text-sm text-stone-700 [&_a]:text-sky-800 [&_a]:underline [&_li]:ml-5 [&_ol]:list-decimal [&_ul]:list-disc [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-medium"
      }
    >
      <ReactMarkdown
        allowedElements={ALLOWED}
        unwrapDisallowed
        skipHtml
        urlTransform={safeUrl}
        components={{
          a: ({ href, children }) => (
            <a href={href || undefined} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          ),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
