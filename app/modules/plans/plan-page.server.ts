// What the action-plan page needs: the plan (created from its template on first open), the reader's access, the
// cycle's goals for the goal blocks, and the stored content rendered on the server for the first paint — or, when the
// stored plan is damaged, what is wrong and its last good version instead.
import type { Database } from "#db/client.server";
import { colourFor } from "~/editor/presence";
import { getCycle } from "~/modules/cycles/cycles.server";
import type { SessionUser } from "~/modules/people/session.server";
import { damageNotice, readStoredDocument } from "./document-versions.server";
import { goalBlockSummaries } from "./goal-summaries.server";
import { ensurePlanDocument, planDocumentAccess } from "./plan-document.server";
import { planDamageLabel } from "./plan-versions";

export async function getPlanPage(db: Database, user: SessionUser, cycleId: string, ip?: string) {
  const document = await ensurePlanDocument(db, user, cycleId, ip);
  const [{ access }, goals, cycle] = await Promise.all([planDocumentAccess(db, user, document.id), goalBlockSummaries(db, user, cycleId), getCycle(db, user, cycleId)]);
  const byId = new Map(goals.map((goal) => [goal.id, goal]));
  const reading = await readStoredDocument(db, document.id, { lookupGoal: (id) => byId.get(id) });
  return {
    documentId: document.id,
    access,
    goals,
    html: reading.ok ? reading.html : null,
    damage: await damageNotice(db, document.id, reading, planDamageLabel(cycle, user.districtName)),
    presence: { id: user.id, name: user.name, color: colourFor(user.id) },
  };
}
