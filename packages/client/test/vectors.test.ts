import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createVerifier, VALIDATION_CODES } from "../src/index.ts";
import { vectorFile } from "./support/fixtures.ts";
import { JWKS_PATH, renderJwks, renderVectors, VECTORS_PATH } from "./vectors/generate.ts";

describe("shared license-file test vectors", () => {
  const verifier = createVerifier({ keys: vectorFile.jwks });

  it("are exactly what generate.ts produces (regenerate and commit vectors.json after a change)", () => {
    expect(readFileSync(VECTORS_PATH, "utf8")).toBe(renderVectors());
    expect(readFileSync(JWKS_PATH, "utf8")).toBe(renderJwks());
  });

  it("cover every code an offline verification can return", () => {
    const offlineCodes = VALIDATION_CODES.filter((code) => code !== "NOT_ACTIVATED" && code !== "REVOKED");
    const covered = new Set(vectorFile.vectors.map((vector) => vector.expected.code));
    expect([...covered].sort()).toEqual([...offlineCodes].sort());
  });

  it.each(vectorFile.vectors.map((vector) => [vector.name, vector] as const))(
    "%s: the SDK returns the expected outcome",
    (_name, vector) => {
      const result = verifier.verify(vector.file, { ...vector.options, now: new Date(vector.options.now) });
      expect({ valid: result.valid, code: result.code }).toEqual(vector.expected);
      expect(result.detail).not.toBe("");
    },
  );
});
