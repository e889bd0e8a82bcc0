import { PROFILE_DIR } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import { startEchoServer } from "../lib/server.ts";
import type { Scenario } from "../lib/types.ts";

/** The body a validation by license id sends, so the baseline moves the same bytes. */
export const ECHO_BODY = {
  license: "01936f0e-8b7a-7c3d-9e21-5f4a3b2c1d0e",
  fingerprint: "bench-device-000000",
};

/**
 * The baseline: a bare Fastify app echoing a JSON body, in its own process, under the same load
 * as the server scenarios. Ratios are taken against it, so they carry over between machines.
 */
export function echoScenario(name = "echo", title = "bare Fastify JSON echo (baseline)"): Scenario {
  return {
    name,
    title,
    async run(ctx) {
      const server = await startEchoServer(ctx.options.profile ? PROFILE_DIR : null);
      try {
        return await measureHttp(ctx, {
          name,
          title,
          server,
          request: { method: "POST", path: "/echo", body: ECHO_BODY },
        });
      } finally {
        await server.stop();
      }
    },
  };
}
