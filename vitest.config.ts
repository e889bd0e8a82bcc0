import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit-api",
          include: ["packages/*/test/**/*.test.ts", "packages/*/src/**/*.test.{ts,tsx}"],
          exclude: ["**/node_modules/**", "packages/server/test/browser/**"],
        },
      },
      {
        // Real pages in Debian's Chromium (packages/server/test/browser/support.ts); the global
        // setup installs Chromium when it is missing and we are root.
        extends: true,
        test: {
          name: "browser",
          include: ["packages/server/test/browser/**/*.test.ts"],
          globalSetup: ["packages/server/test/browser/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
