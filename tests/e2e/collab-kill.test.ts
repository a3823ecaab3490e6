// An edit the server has acknowledged survives the server being killed outright (SIGKILL, no shutdown code runs),
// and a SIGTERM with clients connected stores everything and exits cleanly.
import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, isNull } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/client.server";
import { cycles, docSnapshots, docUpdates, users } from "#db/schema";
import { ensureCatalog } from "#db/seed/catalog.server";
import { seedDemo } from "#db/seed/demo.server";
import { readConfig } from "~/config";
import { ensurePlanDocument } from "~/modules/plans/plan-document.server";
import { findSessionUser, createSession, sessionCookieName } from "~/modules/people/session.server";
import { connectProvider, waitFor, type Identity } from "../collab/support";
import { freshDataDir, removeTempDirs, startServer, type ServerProcess } from "./support";

const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  removeTempDirs();
});

/** A demo database with the 2026 district plan and sessions for the lead and the team, made before the server starts. */
async function prepare(dataDir: string) {
  const config = readConfig({ NODE_ENV: "production" });
  const database = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
  try {
    await database.migrate();
    await ensureCatalog(database.db);
    await seedDemo(database.db);
    const [cycle] = await database.db.select().from(cycles).where(and(isNull(cycles.schoolId), eq(cycles.startYear, 2026)));
    const tokens: string[] = [];
    for (const email of ["lead@riverbend.example", "team@riverbend.example"]) {
      const [user] = await database.db.select().from(users).where(eq(users.email, email));
      tokens.push(await createSession(database.db, user.id, config));
    }
    const lead = (await findSessionUser(database.db, tokens[0], config))!;
    const plan = await ensurePlanDocument(database.db, lead, cycle.id);
    return { documentId: plan.id, cookies: tokens.map((token) => `${sessionCookieName(config)}=${token}`) };
  } finally {
    await database.close();
  }
}

describe("killing the collaboration server", () => {
  it("keeps every acknowledged edit after SIGKILL and a restart (state vectors equal), and shuts down cleanly on SIGTERM", async () => {
    const dataDir = freshDataDir("collab-kill");
    const { documentId, cookies } = await prepare(dataDir);
    const first = await startServer({ dataDir });
    running.push(first);
    const as = (cookie: string, server: ServerProcess): Identity => ({ cookie, origin: server.url });

    const writer = await connectProvider(first.url, documentId, as(cookies[0], first));
    const observer = await connectProvider(first.url, documentId, as(cookies[1], first));
    const N = 60;
    for (let i = 0; i < N; i++) writer.doc.getText("plan").insert(writer.doc.getText("plan").length, `edit ${i}; `);
    // Acknowledged: the server broadcasts an update only after storing it, so the observer seeing all N is the receipt.
    await waitFor(() => observer.doc.getText("plan").toString() === writer.doc.getText("plan").toString(), "all edits broadcast", 15_000);
    // The writer must not re-send its edits to the restarted server: what we read back must come from the database.
    writer.provider.destroy();
    observer.provider.destroy();

    const serverPid = Number(fs.readFileSync(path.join(dataDir, "pglite", "cyclekeeper.pid"), "utf8"));
    process.kill(serverPid, "SIGKILL");
    await first.stop(5_000);
    running.splice(running.indexOf(first), 1);

    const second = await startServer({ dataDir });
    running.push(second);
    const reader = await connectProvider(second.url, documentId, as(cookies[0], second), new Y.Doc());
    expect(reader.doc.getText("plan").toString()).toBe(writer.doc.getText("plan").toString());
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(writer.doc));

    // SIGTERM with a client still connected: the sockets are closed, the document snapshotted, the process exits 0.
    const watcher = await connectProvider(second.url, documentId, as(cookies[1], second));
    reader.doc.getText("plan").insert(0, "after the restart; ");
    await waitFor(() => watcher.doc.getText("plan").toString().startsWith("after the restart"), "the new edit broadcast");
    const sv = Y.encodeStateVector(reader.doc);
    const stopped = await second.stop(15_000);
    running.splice(running.indexOf(second), 1);
    reader.provider.destroy();
    watcher.provider.destroy();
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain("Cyclekeeper stopped");
    const database = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    try {
      const [snapshot] = await database.db.select().from(docSnapshots).where(eq(docSnapshots.documentId, documentId)).orderBy(desc(docSnapshots.seq));
      const stored = new Y.Doc();
      Y.applyUpdate(stored, snapshot.state);
      for (const row of await database.db.select().from(docUpdates).where(eq(docUpdates.documentId, documentId)).orderBy(docUpdates.seq)) {
        Y.applyUpdate(stored, row.update);
      }
      expect(Y.encodeStateVector(stored)).toEqual(sv);
      expect(stored.getText("plan").toString()).toBe(reader.doc.getText("plan").toString());
    } finally {
      await database.close();
    }
  });
});
