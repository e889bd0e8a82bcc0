import { ensureChromium } from "./support.ts";

/** Once per run, before any browser test: find Chromium, or install Debian's when we are root. */
export default function setup(): void {
  ensureChromium();
}
