/**
 * A browser without a browser: real HTTP to the web pages with a cookie jar and the page's CSRF
 * token, for tests of pages on both dialects (the browser tests run on SQLite in Chromium).
 */
export interface WebResponse {
  status: number;
  /** The body as text (HTML, or CSV for exports). */
  html: string;
  headers: Headers;
  /** Where a 303 sends the browser, or null. */
  location: string | null;
}

const CSRF_IN_PAGE = /name="_csrf" value="([^"]+)"/;

export class WebClient {
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrfToken: string | null = null;

  constructor(readonly url: string) {}

  /** Signs in through the sign-in form, as a person would; throws when it fails. */
  async signIn(email: string, password: string): Promise<this> {
    await this.get("/login");
    const res = await this.post("/login", { email, password, next: "/" });
    if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${textOf(res.html)}`);
    return this;
  }

  /** GET without following redirects. */
  get(path: string): Promise<WebResponse> {
    return this.request("GET", path);
  }

  /** GET, following redirects (as a browser does after a form post). */
  async follow(path: string, max = 5): Promise<WebResponse> {
    let res = await this.get(path);
    for (let i = 0; i < max && res.location; i++) res = await this.get(res.location);
    return res;
  }

  /** Posts a form (urlencoded) with the CSRF token of the last page seen; no redirect is followed. */
  post(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    if (options.csrf !== false && this.csrfToken && !("_csrf" in fields)) body.set("_csrf", this.csrfToken);
    return this.request("POST", path, body.toString(), "application/x-www-form-urlencoded");
  }

  private async request(method: string, path: string, body?: string, type?: string): Promise<WebResponse> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      redirect: "manual",
      headers: {
        ...(type ? { "content-type": type } : {}),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      },
      body,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const token = CSRF_IN_PAGE.exec(html)?.[1];
    if (token) this.csrfToken = token;
    return { status: res.status, html, headers: res.headers, location: res.headers.get("location") };
  }
}

/** The visible text of an HTML page, whitespace collapsed, entities of text decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** Parses a CSV document (RFC 4180, as csv.ts writes it) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
