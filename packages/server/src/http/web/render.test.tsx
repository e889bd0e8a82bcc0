/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { describe, expect, it } from "vitest";
import { Field, Form } from "./components.tsx";
import { type PageContext, PageProvider } from "./page.ts";

const page: PageContext = { csrfToken: "token-123", viewer: null, flash: [], path: "/" };
const html = async (node: unknown) =>
  (await (<PageProvider value={page}>{node as never}</PageProvider>).toString()).toString();

describe("rendering", () => {
  it("escapes text and attribute values by default", async () => {
    const evil = `"><script>alert(1)</script>`;
    const out = await html(
      <Form action="/x" values={{ name: evil }}>
        <Field name="name" label={evil} />
      </Form>,
    );
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;script&gt;");
    expect(out).toContain('value="&quot;&gt;&lt;script&gt;');
  });

  it("puts the CSRF token in every post form and ties errors to their fields", async () => {
    const out = await html(
      <Form action="/x" errors={{ fields: { email: "Fill in this field." }, form: ["Nope."] }}>
        <Field name="email" label="Email" required />
      </Form>,
    );
    expect(out).toContain('<input type="hidden" name="_csrf" value="token-123"/>');
    expect(out).toContain('<div class="form-errors" role="alert"><p>Nope.</p></div>');
    expect(out).toMatch(/<input id="f-email"[^>]* aria-describedby="f-email-error" aria-invalid="true"/);
    expect(out).toMatch(/<input id="f-email"[^>]* autofocus=""/);
    expect(await html(<Form action="/search" method="get" />)).not.toContain("_csrf");
  });
});
