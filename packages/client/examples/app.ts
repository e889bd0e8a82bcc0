/**
 * An example of the license check a vendor's program runs at start-up.
 *
 *   npx tsx packages/client/examples/app.ts <license-file> <jwks-file-or-url> [options]
 *
 *   --product <code>       this program's product code (default 1001); also the fingerprint salt
 *   --build-date <day>     this build's release day, YYYY-MM-DD (checked against maintenanceUntil)
 *   --feature <name>       a feature this program needs (repeatable)
 *   --server <url>         the Licentra server: refresh the file online when it has expired
 *
 * Prints the outcome and exits with 0 when the license is valid, 1 when it is not, 2 on usage errors.
 * The test vectors' public keys are in packages/client/test/vectors/jwks.json; their files were
 * issued for another device, at a fixed time long past.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  createVerifier,
  deviceFingerprint,
  type KeySetInput,
  LicentraClient,
  LicentraError,
  readLicenseFile,
  type VerificationResult,
  writeLicenseFile,
} from "@licentra/client";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    product: { type: "string", default: "1001" },
    "build-date": { type: "string" },
    feature: { type: "string", multiple: true },
    server: { type: "string" },
  },
});
const [licensePath, jwksSource] = positionals;
if (licensePath === undefined || jwksSource === undefined) {
  console.error("usage: app.ts <license-file> <jwks-file-or-url> [--product 1001] [--build-date YYYY-MM-DD]");
  console.error("                [--feature name]... [--server https://licenses.example.com]");
  process.exit(2);
}

/** The JWKS from a file, or from a URL such as https://licenses.example.com/.well-known/jwks.json. */
async function loadKeys(source: string): Promise<KeySetInput> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`cannot fetch the JWKS from ${source}: HTTP ${response.status}`);
    return (await response.json()) as KeySetInput;
  }
  return JSON.parse(await readFile(source, "utf8")) as KeySetInput;
}

const productCode = Number(values.product);
const verifier = createVerifier({ keys: await loadKeys(jwksSource) });
// The product code as salt: stable per product, and not correlatable with other vendors' fingerprints.
const fingerprint = deviceFingerprint({ salt: productCode });
const expectations = {
  fingerprint,
  productCode,
  buildDate: values["build-date"],
  features: values.feature,
};

let licenseFile = await readLicenseFile(licensePath);
let result: VerificationResult = verifier.verify(licenseFile, expectations);

if (result.code === "FILE_EXPIRED" && values.server !== undefined && result.license !== undefined) {
  console.log(`${result.detail}; refreshing from ${values.server} …`);
  try {
    const client = new LicentraClient({ baseUrl: values.server });
    ({ licenseFile } = await client.refresh({ activationId: result.license.jti, licenseFile }));
    await writeLicenseFile(licensePath, licenseFile);
    result = verifier.verify(licenseFile, expectations);
  } catch (error) {
    const reason = error instanceof LicentraError ? `${error.code}: ${error.message}` : String(error);
    console.error(`refresh failed (${reason})`);
  }
}

console.log(`device fingerprint: ${fingerprint}`);
console.log(`${result.code}: ${result.detail}`);
if (result.valid) {
  const { product, expiresAt, maintenanceUntil, features, exp } = result.license;
  console.log(`product:     ${product.code} ${product.name}`);
  console.log(`expires:     ${expiresAt ?? "never"}`);
  console.log(`maintenance: ${maintenanceUntil ?? "all builds"}`);
  console.log(`features:    ${features.join(", ") || "none"}`);
  console.log(`refresh by:  ${exp === undefined ? "never needed" : new Date(exp * 1000).toISOString()}`);
}
process.exit(result.valid ? 0 : 1);
