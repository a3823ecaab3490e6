// Redis dies and comes back while people edit on two instances: each instance keeps serving its own clients and
// storing their edits, /healthz and the log say "degraded", and when Redis returns every client converges. Uses a
// redis-server of its own (never the machine's shared one), killed and restarted on the same port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { connectProvider, waitFor } from "../collab/support";
import { removeTempDirs, type ServerProcess } from "../e2e/support";
import { health, identity, prepareWorld, startInstances, ThrowawayRedis, uniquePrefix, type ScaleWorld } from "./support";

let world: ScaleWorld;
let redis: ThrowawayRedis;
const running: ServerProcess[] = [];
const providers: { provider: { destroy(): void } }[] = [];

beforeAll(async () => {
  [world, redis] = await Promise.all([prepareWorld(), ThrowawayRedis.start()]);
  running.push(...(await startInstances(2, { DATABASE_URL: world.url, REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix("outage") })));
});

afterAll(async () => {
  for (const p of providers) p.provider.destroy();
  await Promise.all(running.map((s) => s.stop(10_000)));
  await redis?.destroy();
  await world?.database.close();
  removeTempDirs();
});

describe("Redis restarting while people edit", () => {
  it("keeps each instance serving its own clients, reports degraded, and converges everyone when Redis returns", async () => {
    const [a, b] = running;
    const connect = async (server: ServerProcess, who: number) => {
      const client = await connectProvider(server.url, world.documentId, identity(world.cookies[who], server));
      providers.push(client);
      return client;
    };
    const [a1, a2, b1, b2] = [await connect(a, 0), await connect(a, 1), await connect(b, 0), await connect(b, 1)];
    const list = (d: Y.Doc) => d.getArray<string>("outage");
    const all = [a1, a2, b1, b2];
    const same = () => all.every((c) => JSON.stringify(list(c.doc).toArray().sort()) === JSON.stringify(list(a1.doc).toArray().sort()));

    list(a1.doc).push(["before-a"]);
    list(b1.doc).push(["before-b"]);
    await waitFor(() => all.every((c) => list(c.doc).length === 2), "edits cross instances before the outage", 10_000);

    await redis.down();
    await waitFor(async () => (await health(a)).redis === "degraded" && (await health(b)).redis === "degraded", "both instances report degraded", 15_000);
    expect((await health(a)).status).toBe("ok");
    expect(a.stdout()).toContain("Redis unreachable");

    // During the outage each instance still stores and relays its own clients' edits: first B's, then A's.
    const has = (d: Y.Doc, prefix: string) => list(d).toArray().filter((item) => item.startsWith(prefix)).length === 10;
    for (let i = 0; i < 10; i++) list(b1.doc).push([`during-b${i}`]);
    await waitFor(() => has(b2.doc, "during-b"), "B serves its own clients", 10_000);
    for (let i = 0; i < 10; i++) list(a1.doc).push([`during-a${i}`]);
    await waitFor(() => has(a2.doc, "during-a"), "A serves its own clients", 10_000);
    // A's appends read the rows B stored meanwhile (the log is shared), but nothing tells B about A's edits until
    // Redis is back: only the resynchronisation can bring them.
    await new Promise((r) => setTimeout(r, 300));
    expect(list(b2.doc).toArray().some((item) => item.startsWith("during-a"))).toBe(false);

    await redis.up();
    await waitFor(async () => (await health(a)).redis === "ok" && (await health(b)).redis === "ok", "both instances report ok again", 20_000);
    await waitFor(() => all.every((c) => list(c.doc).length === 22) && same(), "everyone converges after Redis returns", 20_000);
    for (const server of [a, b]) {
      expect(server.stdout()).toContain("Redis reachable again; resynchronising");
      await waitFor(() => /resynchronised \d+ open document/.test(server.stdout()), "the resynchronisation is logged", 10_000);
    }

    // And the relay works again for new edits.
    list(b2.doc).push(["after"]);
    await waitFor(() => list(a2.doc).toArray().includes("after"), "edits cross instances after the outage", 10_000);
  });
});
