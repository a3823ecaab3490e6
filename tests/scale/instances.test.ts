// Several instances on one PostgreSQL database and one Redis: clients of one document on different instances
// converge, presence crosses instances, the shared log numbers rows correctly under concurrent writers, and killing an
// instance (SIGKILL) loses nothing that was acknowledged while its clients move to another instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sum } from "drizzle-orm";
import * as Y from "yjs";
import { docActivity, docSnapshots, docUpdates, sessions, users } from "#db/schema";
import { readConfig } from "~/config";
import { createSession, sessionCookieName } from "~/modules/people/session.server";
import { hashToken } from "~/utils/tokens.server";
import { DocumentStore } from "../../server/collab/persistence";
import { connectProvider, rawClient, textUpdate, waitFor } from "../collab/support";
import { HttpClient, removeTempDirs, spawnServer, type ServerProcess } from "../e2e/support";
import { health, identity, killTree, prepareWorld, sharedRedisUrl, startInstances, uniquePrefix, type ScaleWorld } from "./support";

let world: ScaleWorld;
const prefix = uniquePrefix("instances");
const running: ServerProcess[] = [];
const providers: { provider: { destroy(): void } }[] = [];

beforeAll(async () => {
  world = await prepareWorld();
  running.push(...(await startInstances(3, { DATABASE_URL: world.url, REDIS_URL: sharedRedisUrl, REDIS_PREFIX: prefix })));
});

afterAll(async () => {
  for (const p of providers) p.provider.destroy();
  await Promise.all(running.map((s) => s.stop(10_000)));
  await world?.database.close();
  removeTempDirs();
});

function track<T extends { provider: { destroy(): void } }>(client: T) {
  providers.push(client);
  return client;
}

describe("several instances sharing PostgreSQL and Redis", () => {
  it("report Redis in /healthz and say so at start", async () => {
    for (const server of running) {
      expect(await health(server)).toEqual({ status: "ok", database: "postgres", redis: "ok" });
      expect(server.stdout()).toContain("one of several instances");
    }
  });

  it("refuse to start with REDIS_URL but no DATABASE_URL, saying why", async () => {
    const lone = await spawnServer({ demo: "0", env: { REDIS_URL: sharedRedisUrl } });
    const result = await lone.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("REDIS_URL is set but DATABASE_URL is not");
  });

  it("share sessions and the sign-in throttle: signed in on one instance, signed in on all; attempts counted across them", async () => {
    const [a, b] = running;
    const onA = new HttpClient(a.url);
    await onA.signIn("principal@maple.riverbend.example");
    const onB = new HttpClient(b.url);
    onB.cookies = new Map(onA.cookies);
    expect((await onB.get("/home")).status).toBe(200);
    // Signing out on B ends the session on A too.
    expect((await onB.post("/sign-out", {})).status).toBe(302);
    expect((await onA.get("/home")).status).toBe(302);

    // Wrong passwords for one account from one address, alternating between instances: the limit is shared.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await new HttpClient(running[i % 2].url).post("/sign-in", { email: "coach@riverbend.example", password: "wrong" })).status);
    expect(statuses.slice(0, 5).every((status) => status !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  it("converge clients of one document connected to different instances, presence included", async () => {
    const [a, b, c] = running;
    const onA = track(await connectProvider(a.url, world.documentId, identity(world.cookies[0], a)));
    const onB = track(await connectProvider(b.url, world.documentId, identity(world.cookies[1], b)));
    const onC = track(await connectProvider(c.url, world.documentId, identity(world.cookies[0], c)));
    // Everyone types at once: the log's seqs are assigned by the database, whichever instance took the edit.
    for (let i = 0; i < 20; i++) {
      onA.doc.getText("notes").insert(0, `a${i} `);
      onB.doc.getText("notes").insert(0, `b${i} `);
      onC.doc.getText("notes").insert(0, `c${i} `);
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const text = (d: Y.Doc) => d.getText("notes").toString();
    await waitFor(() => text(onA.doc) === text(onB.doc) && text(onB.doc) === text(onC.doc) && text(onA.doc).split(" ").length === 61, "three instances converge", 20_000);
    for (const who of ["a", "b", "c"]) for (let i = 0; i < 20; i++) expect(text(onA.doc)).toContain(`${who}${i} `);

    // Presence: the state a client on A sets reaches a client on B, stamped by A with the session's name.
    onA.provider.awareness.setLocalStateField("cursor", { at: 3 });
    await waitFor(
      () => [...onB.provider.awareness.getStates().values()].some((s) => (s.cursor as { at?: number })?.at === 3 && (s.user as { name?: string })?.name === world.names[0]),
      "presence from A reaches B",
      10_000,
    );

    // Loading on any instance gives the same state: a fresh client on C, and the log read straight from the database.
    const fresh = track(await connectProvider(c.url, world.documentId, identity(world.cookies[1], c), new Y.Doc()));
    expect(text(fresh.doc)).toBe(text(onA.doc));
    const loaded = await new DocumentStore(world.database.db).load(world.documentId);
    const stored = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(stored, loaded.snapshot.state);
    for (const row of loaded.tail) Y.applyUpdate(stored, row.update);
    expect(text(stored)).toBe(text(onA.doc));
    const seqs = loaded.tail.map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
  });

  it("re-checks a person's open editors on every instance when their access changes on one", async () => {
    const b = running[1];
    const [team] = await world.database.db.select().from(users).where(eq(users.email, "team@riverbend.example"));
    const config = readConfig({ NODE_ENV: "production" });
    const token = await createSession(world.database.db, team.id, config);
    const raw = await rawClient(b.url, world.documentId, identity(`${sessionCookieName(config)}=${token}`, b));
    // The session ends (as a sign-out or a deactivation elsewhere would end it), and another instance says so: the
    // message an instance publishes after `accessChanged`. B closes the socket at once, not at its 30 s sweep.
    await world.database.db.delete(sessions).where(eq(sessions.id, hashToken(token)));
    const remaining = await world.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, team.id));
    expect(remaining.length).toBeGreaterThan(0);
    const { connectCluster } = await import("../../server/collab/cluster");
    const elsewhere = await connectCluster({ url: sharedRedisUrl, prefix, log: () => {} });
    try {
      await elsewhere.accessChanged({ userId: team.id });
      expect(await raw.closed(10_000)).toBe(4401);
    } finally {
      await elsewhere.close();
    }
  });

  it("numbers the shared log without gaps or duplicates when two writers append to one document at once, and compacts once", async () => {
    const first = new DocumentStore(world.database.db, { shared: true });
    const second = new DocumentStore(world.database.db, { shared: true });
    const { documentId } = world;
    const before = await first.load(documentId);
    const writes = [];
    for (let i = 0; i < 40; i++) {
      for (const [store, who] of [
        [first, "x"],
        [second, "y"],
      ] as const) {
        writes.push(store.append(documentId, [{ seq: 0, update: textUpdate(`${who}${i}`), userId: null, clientId: null }], before.lastSeq));
      }
    }
    const results = await Promise.all(writes);
    const firstSeqs = results.map((r) => r.firstSeq).sort((p, q) => p - q);
    expect(firstSeqs).toEqual(Array.from({ length: 80 }, (_, i) => before.lastSeq + 1 + i));
    // Each append handed back what the other writer stored after the seq it knew.
    expect(results.some((r) => r.missed.rows.length > 0)).toBe(true);

    // Two instances compact the same document at once (different seqs): the log ends with one snapshot covering
    // the larger seq, and every deleted row is counted in doc_activity exactly once.
    const rowsBefore = await world.database.db.select({ seq: docUpdates.seq }).from(docUpdates).where(eq(docUpdates.documentId, documentId));
    const [activityBefore] = await world.database.db.select({ n: sum(docActivity.changes) }).from(docActivity).where(eq(docActivity.documentId, documentId));
    // The whole state as of the newest row: a snapshot may hold more than its seq covers (Yjs merges idempotently).
    const loaded = await first.load(documentId);
    const whole = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(whole, loaded.snapshot.state);
    for (const row of loaded.tail) Y.applyUpdate(whole, row.update);
    const state = Y.encodeStateAsUpdate(whole);
    const top = before.lastSeq + 80;
    expect(loaded.lastSeq).toBe(top);
    await Promise.all([first.compact(documentId, top - 10, state), second.compact(documentId, top, state), first.compact(documentId, top - 5, state)]);
    const snapshots = await world.database.db.select({ seq: docSnapshots.seq }).from(docSnapshots).where(eq(docSnapshots.documentId, documentId)).orderBy(asc(docSnapshots.seq));
    expect(snapshots.at(-1)?.seq).toBe(top);
    expect(await world.database.db.select().from(docUpdates).where(eq(docUpdates.documentId, documentId))).toEqual([]);
    const [activityAfter] = await world.database.db.select({ n: sum(docActivity.changes) }).from(docActivity).where(eq(docActivity.documentId, documentId));
    expect(Number(activityAfter.n ?? 0) - Number(activityBefore.n ?? 0)).toBe(rowsBefore.length);
  });

  it("loses no acknowledged edit when an instance is killed (SIGKILL); its clients reconnect to another and converge", async () => {
    const [a, b] = running;
    const writerDoc = new Y.Doc();
    const writer = track(await connectProvider(a.url, world.documentId, identity(world.cookies[0], a), writerDoc));
    const observer = track(await connectProvider(b.url, world.documentId, identity(world.cookies[1], b)));
    const list = (d: Y.Doc) => d.getArray<string>("killed");
    let typed = 0;
    const typing = setInterval(() => list(writerDoc).push([`w${typed++}`]), 5);
    // Acknowledged: B shows an edit only after A stored it and announced it, so whatever the observer has seen is stored.
    await waitFor(() => list(observer.doc).length >= 40, "edits reach B", 15_000);
    killTree(a.child.pid!);
    const acknowledged = list(observer.doc).toArray();
    await a.exited;
    clearInterval(typing);
    running.splice(running.indexOf(a), 1);
    writer.provider.destroy();
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    // The writer's client reconnects (as a load balancer would send it) to B with its document: unsent edits go along.
    track(await connectProvider(b.url, world.documentId, identity(world.cookies[0], b), writerDoc));
    await waitFor(() => list(observer.doc).length === typed && list(writerDoc).length === typed, "everything typed converges on B", 15_000);
    expect(list(observer.doc).toArray()).toEqual(list(writerDoc).toArray());
    for (const item of acknowledged) expect(list(writerDoc).toArray()).toContain(item);

    // And the database holds it all: a fresh client on the third instance loads exactly the same state.
    const c = running[1];
    const fresh = track(await connectProvider(c.url, world.documentId, identity(world.cookies[1], c), new Y.Doc()));
    await waitFor(() => list(fresh.doc).length === typed, "C loads everything", 10_000);
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(writerDoc));
  });
});
