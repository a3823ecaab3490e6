// The district profile every annual report starts from: kept by the lead, read by the district's people, carried
// from year to year (one row per district). Saved with optimistic concurrency and audited.
import { and, eq } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { districtProfiles, type ProfileMilestone } from "#db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, requirePermission, type Actor } from "~/modules/people/permissions";
import { StaleEdit } from "~/utils/errors";
import type { ProfileInput } from "./profile.schema";

export interface DistrictProfile {
  selStatement: string;
  history: string;
  milestones: ProfileMilestone[];
  /** 0 while none is saved. */
  version: number;
  updatedAt: Date | null;
}

const EMPTY: DistrictProfile = { selStatement: "", history: "", milestones: [], version: 0, updatedAt: null };

/** The profile as stored, for a caller that already scoped to the district (report generation). */
export async function profileOfDistrict(db: Pick<Database, "select">, districtId: string): Promise<DistrictProfile> {
  const [row] = await db.select().from(districtProfiles).where(eq(districtProfiles.districtId, districtId));
  if (!row) return EMPTY;
  return { selStatement: row.selStatement, history: row.history, milestones: sortMilestones(row.milestones), version: row.version, updatedAt: row.updatedAt };
}

function sortMilestones(list: ProfileMilestone[]) {
  return [...list].sort((a, b) => a.startYear - b.startYear);
}

/** The actor's district's profile; every district role reads it, the lead may edit it. */
export async function getProfile(db: Database, actor: Actor) {
  requirePermission(actor, "district:read", { districtId: actor.districtId });
  const profile = await profileOfDistrict(db, actor.districtId);
  return { ...profile, canEdit: can(actor, "report:profile", { districtId: actor.districtId }) };
}

/** Saves the profile at the version the form was loaded with; a newer save in between is a StaleEdit carrying it. */
export async function saveProfile(db: Database, actor: Actor, input: ProfileInput, ip?: string) {
  requirePermission(actor, "report:profile", { districtId: actor.districtId });
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(districtProfiles).where(eq(districtProfiles.districtId, actor.districtId)).for("update");
    const current = row?.version ?? 0;
    if (current !== input.expectedVersion) {
      throw new StaleEdit({
        selStatement: row?.selStatement ?? "",
        history: row?.history ?? "",
        milestones: sortMilestones(row?.milestones ?? []),
        version: current,
      });
    }
    const values = { selStatement: input.selStatement, history: input.history, milestones: sortMilestones(input.milestones), updatedBy: actor.id, updatedAt: new Date() };
    const [saved] = row
      ? await tx
          .update(districtProfiles)
          .set({ ...values, version: current + 1 })
          .where(and(eq(districtProfiles.districtId, actor.districtId), eq(districtProfiles.version, current)))
          .returning()
      : await tx
          .insert(districtProfiles)
          .values({ districtId: actor.districtId, ...values, version: 1 })
          .returning();
    await recordAudit(tx, {
      districtId: actor.districtId,
      actorId: actor.id,
      action: "report.profile.update",
      entityType: "district_profile",
      entityId: actor.districtId,
      details: { version: saved.version, milestones: saved.milestones.length, statementChars: saved.selStatement.length, historyChars: saved.history.length },
      ip,
    });
    return saved;
  });
}
