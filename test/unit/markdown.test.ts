// Study instructions are Markdown written by an admin and read by raters (components/markdown.tsx):
// structure and links render; raw HTML, scripts, images and unsafe links never reach the page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Markdown } from "../../components/markdown.tsx";

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text, className: "x" }));

test("headings, lists, emphasis, code and web links render", () => {
  assert.equal(
    html(
      "# How to rate\n\n- Read the **findings** first\n- Then each *impression*\n\nSee [the guide](https://example.org/guide) or `ESC`.",
    ),
    '<div class="x"><h1>How to rate</h1>\n<ul>\n<li>Read the <strong>findings</strong> first</li>\n<li>Then each <em>impression</em></li>\n</ul>\n<p>See <a href="https://example.org/guide" target="_blank" rel="noopener noreferrer">the guide</a> or <code>ESC</code>.</p></div>',
  );
});

test("raw HTML, scripts, images and unsafe links are dropped (a tag's text stays, as text)", () => {
  const out = html(
    'Hi <script>alert(1)</script><img src=x onerror=alert(2)> <b onclick="x()">bold</b>\n\n' +
      "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) ![pixel](https://tracker.example/p.png)\n\n" +
      "<iframe src='https://evil.example'></iframe>",
  );
  for (const bad of [
    "<script",

    "<img",
    "onerror",
    "onclick",
    "<b",
    "javascript:",
    "data:",
    "tracker.example",
    "<iframe",
    "evil.example",
  ])
    assert.ok(!out.includes(bad), `${bad} in ${out}`);
  assert.match(
    out,
    /<a target="_blank" rel="noopener noreferrer">click<\/a>/,
    "an unsafe link keeps its text, loses its target",
  );
  assert.ok(!out.includes("pixel"), "an image is left out altogether");
});
