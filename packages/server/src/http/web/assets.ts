import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Our own static files: the stylesheet. */
export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "static");
/** htmx's distribution folder, from the `htmx.org` npm package: served from our origin, no CDN. */
export const HTMX_DIR = path.dirname(createRequire(import.meta.url).resolve("htmx.org/dist/htmx.min.js"));

/** The only files served under `/static/`; nothing else in either folder is reachable. */
export const STATIC_FILES = ["licentra.css", "htmx.min.js"] as const;

function versioned(file: string, dir: string): string {
  const hash = createHash("sha256")
    .update(readFileSync(path.join(dir, file)))
    .digest("hex")
    .slice(0, 12);
  return `/static/${file}?v=${hash}`;
}

/**
 * URLs of the assets, with a content hash so browsers may cache them for a year and still get
 * a changed file at once (the hash is computed at start-up).
 */
export const ASSETS = {
  css: versioned("licentra.css", STATIC_DIR),
  htmx: versioned("htmx.min.js", HTMX_DIR),
} as const;
