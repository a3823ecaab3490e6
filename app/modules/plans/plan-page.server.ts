// What the action-plan page needs: the plan (created from its template on first open), the reader's access, the
// cycle's goals for the goal blocks, and the stored content rendered on the server for the first paint.
import type { Database } from "#db/client.server";
import { documentHTML, documentJSONFromUpdate } from "~/editor/document";
import { colourFor } from "~/editor/presence";
import type { SessionUser } from "~/modules/people/session.server";
import { loadPlanState } from "./plan-content.server";
import { goalBlockSummaries } from "./goal-summaries.server";
import { ensurePlanDocument, planDocumentAccess } from "./plan-document.server";

export async function getPlanPage(db: Database, user: SessionUser, cycleId: string, ip?: string) {
  const document = await ensurePlanDocument(db, user, cycleId, ip);
  const [{ access }, goals, stored] = await Promise.all([
    planDocumentAccess(db, user, document.id),
    goalBlockSummaries(db, user, cycleId),
    loadPlanState(db, document.id),
  ]);
  const byId = new Map(goals.map((goal) => [goal.id, goal]));
  return {
    documentId: document.id,
    access,
    goals,
    html: documentHTML(documentJSONFromUpdate(stored.state), { lookupGoal: (id) => byId.get(id) }),
    presence: { id: user.id, name: user.name, color: colourFor(user.id) },
  };
}
