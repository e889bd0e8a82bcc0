// The baseline: a bare Fastify app (no plugins, no schemas, no hooks) whose one POST route
// answers with the JSON body it received. Run as a child process by the bench.
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/echo", async (request) => request.body);
app.get("/healthz", async () => ({ status: "ok" }));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
