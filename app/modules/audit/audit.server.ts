// Appends to the audit log; called inside the same transaction as the write it describes.
import { desc, eq } from "drizzle-orm";
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
