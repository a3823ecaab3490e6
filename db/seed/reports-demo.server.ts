// The demo district's stakeholder reports, made through the reports module so the real generation and publishing
// run: 2025–26's board report published in English and Spanish, and 2026–27's in review with a named reviewer and
// a board member's comment.
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { cycles, users } from "#db/schema";
import type { Actor } from "~/modules/people/permissions";
import { addComment, addLanguageVersion, addReviewer, createReport, publishReport, submitForReview } from "~/modules/reports/reports.server";

async function actorFor(db: Database, email: string): Promise<Actor> {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  return { id: user.id, districtId: user.districtId, role: user.role, studentRecords: user.studentRecords, schoolIds: [] };
}

export async function seedDemoReports(db: Database, districtId: string) {
  const lead = await actorFor(db, "lead@riverbend.example");
  const board = await actorFor(db, "board@riverbend.example");
  const [reviewer] = await db.select({ id: users.id }).from(users).where(eq(users.email, "coach@riverbend.example"));
  const districtCycle = async (startYear: number) =>
    (await db.select({ id: cycles.id }).from(cycles).where(and(eq(cycles.districtId, districtId), isNull(cycles.schoolId), eq(cycles.startYear, startYear))))[0];

  const last = await districtCycle(2025);
  const english = await createReport(db, lead, last.id, { audience: "board", language: "en" });
  const spanish = await addLanguageVersion(db, lead, english.id, { language: "es", title: "Informe anual de aprendizaje socioemocional 2025–26", slug: "informe-anual-2025-26" });
  for (const report of [english, spanish]) {
    const inReview = await submitForReview(db, lead, report.id, { expectedVersion: report.version });
    await publishReport(db, lead, report.id, { expectedVersion: inReview.version });
  }

  const current = await districtCycle(2026);
  const draft = await createReport(db, lead, current.id, { audience: "board", language: "en" });
  await addReviewer(db, lead, draft.id, reviewer.id);
  await submitForReview(db, lead, draft.id, { expectedVersion: draft.version });
  await addComment(db, board, draft.id, {
    body: "Could the outcomes section say how many students answered the survey in each school?",
    quote: "Implementation and outcome results",
  });
}
