// Every spec imports `test` and `expect` from here: a test fails when any page it opened (in its
// own context or one it made with browser.newPage/newContext) broke the Content-Security-Policy.
import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";

export { expect };
export { request } from "@playwright/test";
export type { APIRequestContext, APIResponse, Locator, Page, Response } from "@playwright/test";

// Chromium logs "Refused to … because it violates the following Content Security Policy
// directive"; the init script below reports the DOM event too, with the directive and source.
const CSP_MESSAGE = /Content Security Policy|securitypolicyviolation/i;

async function watch(context: BrowserContext, found: string[]) {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(
        `securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || "inline code"} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`,
      );
    });
  });
  context.on("console", (m) => {
    if (CSP_MESSAGE.test(m.text())) found.push(`${m.page()?.url() ?? "?"}: ${m.text()}`);
  });
}

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ context, browser }, use) => {
      const found: string[] = [];
      await watch(context, found);
      const b = browser as Browser;
      const { newContext, newPage } = b;
      b.newContext = async (...args) => {
        const c = await newContext.apply(b, args);
        await watch(c, found);
        return c;
      };
      // A page from browser.newPage starts blank: its context's init script runs from its first goto.
      b.newPage = async (...args) => {
        const p = await newPage.apply(b, args);
        await watch(p.context(), found);
        return p;
      };
      try {
        await use(found);
      } finally {
        b.newContext = newContext;
        b.newPage = newPage;
      }
      expect(found, "pages broke the Content-Security-Policy").toEqual([]);
    },
    { auto: true },
  ],
});
