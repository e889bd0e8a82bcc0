// Preloaded into a server under test (`node --import tsx --import bench/lib/profile-hook.ts …`)
// when the bench runs with --profile. Each SIGUSR2 toggles the V8 CPU profiler (the one behind
// `node --cpu-prof`), so a profile covers exactly one measurement window, not start-up and
// warm-up. A stopped profile is written to $BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile.
import { renameSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  let written = 0;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  process.on("SIGUSR2", async () => {
    if (!running) {
      running = true;
      await post("Profiler.enable");
      await post("Profiler.setSamplingInterval", { interval: 250 });
      await post("Profiler.start");
      return;
    }
    running = false;
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    const file = path.join(dir, `${process.pid}-${++written}.cpuprofile`);
    writeFileSync(`${file}.tmp`, JSON.stringify(profile));
    renameSync(`${file}.tmp`, file);
  });
}
