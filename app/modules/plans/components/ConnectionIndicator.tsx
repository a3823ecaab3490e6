// Says whether this browser's edits are stored, waiting, or cannot be sent, in words and not by colour alone.
import type { SaveStatus } from "~/editor/save-tracker";

const changes = (n: number) => (n === 1 ? "1 change" : `${n} changes`);

export function connectionText(status: SaveStatus, readOnly: boolean): { label: string; detail?: string } {
  switch (status.state) {
    case "saved":
      return { label: readOnly ? "Connected" : "All changes saved" };
    case "saving":
      return { label: "Saving…" };
    case "stalled":
      return { label: `Waiting for the server: ${changes(status.pending)} not yet saved`, detail: "The connection may be down; keep this page open." };
    case "reconnecting":
      return { label: "Reconnecting…", detail: readOnly ? undefined : "You can keep typing; your changes will be sent when the connection returns." };
    case "offline":
      return { label: `Offline: ${changes(status.pending)} not yet saved`, detail: "Keep this page open; they are sent as soon as the connection returns." };
    case "closed":
      return { label: "Disconnected", detail: status.closedReason };
  }
}

export function ConnectionIndicator({ status, readOnly }: { status: SaveStatus; readOnly: boolean }) {
  const { label, detail } = connectionText(status, readOnly);
  return (
    <p className={`ck-connection ck-connection--${status.state}`} role="status" aria-live="polite" data-state={status.state}>
      <span className="ck-connection__dot" aria-hidden="true" />
      <strong>{label}</strong>
      {detail ? <span className="ck-connection__detail"> {detail}</span> : null}
    </p>
  );
}
