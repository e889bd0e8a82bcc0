import { type LoadRequest, runLoad } from "./load.ts";
import { summarizeProfile } from "./profile.ts";
import { waitUntilQuiet } from "./quiet.ts";
import type { ChildServer } from "./server.ts";
import type { BenchContext, ScenarioResult } from "./types.ts";

/** Measures one request shape against a running server and turns it into a scenario result. */
export async function measureHttp(
  ctx: BenchContext,
  o: {
    name: string;
    title: string;
    server: ChildServer;
    request: LoadRequest;
    details?: Record<string, unknown>;
  },
): Promise<ScenarioResult> {
  const { duration, warmup, connections } = ctx.options;
  await waitUntilQuiet(ctx);
  ctx.log(`load: ${warmup} s warm-up, ${duration} s measured, ${connections} connections`);
  const { profile, ...http } = await runLoad({
    server: o.server,
    request: o.request,
    connections,
    duration,
    warmup,
    profileName: o.name,
  });
  if (http.non2xx || http.errors)
    ctx.log(
      `warning: ${http.non2xx} non-2xx answers, ${http.errors} errors: ${JSON.stringify(http.statusCodes)}`,
    );
  return {
    name: o.name,
    title: o.title,
    throughput: http.okPerSecond,
    unit: "req",
    http,
    ...(o.details ? { details: o.details } : {}),
    ...(profile ? { profile: summarizeProfile(profile) } : {}),
  };
}
