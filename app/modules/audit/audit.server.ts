// Appends to the audit log; called inside the same transaction as the write it describes.
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { auditEvents, users } from "#db/schema";

type Executor = Pick<Database, "insert">;

export interface AuditEntry {
  districtId: string | null;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export async function recordAudit(db: Executor, entry: AuditEntry) {
  await db.insert(auditEvents).values({
    districtId: entry.districtId,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  });
}

/**
 * Who last wrote a record and when, from its newest audit event: what a stale edit shows beside the newer values
 * ("Dana Okafor saved version 3 on …") for records that keep no author of their own.
 */
export async function lastSavedBy(
  db: Pick<Database, "select">,
  districtId: string,
  entityType: string,
  entityId: string,
): Promise<{ savedBy: string | null; savedAt: string | null }> {
  const [row] = await db
    .select({ name: users.name, at: auditEvents.at })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.districtId, districtId), eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
    .orderBy(desc(auditEvents.at))
    .limit(1);
  return { savedBy: row?.name ?? null, savedAt: row?.at.toISOString() ?? null };
}

export async function listRecentAudit(db: Database, districtId: string, limit = 10) {
  return db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      entityType: auditEvents.entityType,
      entityId: auditEvents.entityId,
      details: auditEvents.details,
      at: auditEvents.at,
      actorName: users.name,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(eq(auditEvents.districtId, districtId))
    .orderBy(desc(auditEvents.at))
    .limit(limit);
}
