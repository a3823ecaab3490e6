// One Cyclekeeper collaboration instance for bench:scale, in a process of its own: the real collaboration server on the
// shared PostgreSQL database, linked to the others through Redis when REDIS_URL is set (alone otherwise).
//
//   env  BENCH_INSTANCE_DATABASE_URL (the run's throwaway database), REDIS_URL and REDIS_PREFIX (optional)
import "./production-mode";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { openDatabase } from "#db/client.server";
import { readConfig } from "~/config";
import { attachCollab, type ClusterLink } from "../../server/collab";

const databaseUrl = z.string().url().parse(process.env.BENCH_INSTANCE_DATABASE_URL);
const command = z.discriminatedUnion("type", [z.object({ type: z.literal("cpu") }), z.object({ type: z.literal("close") })]);
const reply = (message: object) => process.send!(message);

function cpu() {
  const u = process.cpuUsage();
  let runQueueMs: number | null = null;
  try {
    runQueueMs = Number(fs.readFileSync("/proc/self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    // not Linux
  }
  return { type: "cpu", ms: (u.user + u.system) / 1000, runQueueMs };
}

async function main() {
  const config = readConfig({ NODE_ENV: "production", COOKIE_SECURE: "0", DATABASE_URL: databaseUrl, REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: process.env.REDIS_PREFIX });
  const handle = await openDatabase({ url: databaseUrl });
  let cluster: ClusterLink | null = null;
  if (config.redisUrl) {
    const { connectCluster } = await import("../../server/collab/cluster");
    cluster = await connectCluster({ url: config.redisUrl, prefix: config.redisPrefix, log: (m) => process.stderr.write(`${m}\n`) });
  }
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const collab = attachCollab(server, handle, config, {}, cluster);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.on("message", (raw) => {
    const parsed = command.safeParse(raw);
    if (!parsed.success) return reply({ type: "error", message: `bad command: ${parsed.error.message}` });
    if (parsed.data.type === "cpu") return reply(cpu());
    (async () => {
      await collab.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.close();
    })().then(
      () => {
        reply({ type: "closed" });
        process.disconnect();
      },
      (error: Error) => reply({ type: "error", message: error.stack ?? error.message }),
    );
  });
  reply({ type: "ready", origin, url: origin.replace(/^http/, "ws") + "/collab" });
}

main().catch((error: Error) => {
  reply({ type: "error", message: error.stack ?? error.message });
  process.exitCode = 1;
});
