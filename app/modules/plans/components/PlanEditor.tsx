// The live action-plan editor: Tiptap bound to the plan's Yjs document over y-websocket, with carets, presence and
// a save indicator. Until the browser has synced, the server's rendering of the plan stands in for it.
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, ReactNodeViewRenderer, useEditor } from "@tiptap/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { DOCUMENT_FIELD, editorExtensions } from "~/editor/extensions";
import type { GoalSummary } from "~/editor/goal-reference";
import type { PresenceUser } from "~/editor/presence";
import { SaveTracker, shouldReconnect, type SaveStatus } from "~/editor/save-tracker";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { DataBlockView } from "~/modules/reports/components/DataBlockView";
import { GoalReferenceView, PlanGoalsContext } from "./GoalReferenceView";
import { PlanToolbar } from "./PlanToolbar";
import { PresenceList } from "./PresenceList";

export interface PlanEditorProps {
  documentId: string;
  cycleId: string;
  readOnly: boolean;
  user: PresenceUser;
  goals: GoalSummary[];
  /** The reader may not open the cycle's goals (a report's reviewer from another school): goal blocks say so. */
  goalsHidden?: boolean;
  /** The plan rendered on the server: what the page shows before the live editor is ready. */
  initialHtml: string;
  /** What the document is, for its label and the read-only notices: an action plan unless said otherwise. */
  kind?: "plan" | "report" | "notes";
}

const kindWords = {
  plan: { label: "Action plan", these: "this plan", them: "it", editors: "only its team edits it" },
  report: { label: "Report", these: "this report", them: "it", editors: "only its authors edit it" },
  notes: { label: "Meeting notes", these: "these notes", them: "them", editors: "only the meeting's team edits them" },
} as const;

interface LiveSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  tracker: SaveTracker;
}

function collabServerUrl() {
  return `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
}

export function PlanEditor(props: PlanEditorProps) {
  const [session, setSession] = useState<LiveSession | null>(null);
  const [synced, setSynced] = useState(false);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabServerUrl(), props.documentId, doc, { maxBackoffTime: 5_000, shouldReconnect });
    const tracker = new SaveTracker(provider, doc);
    const onSync = (isSynced: boolean) => {
      if (isSynced) setSynced(true);
    };
    provider.on("sync", onSync);
    setSession({ doc, provider, tracker });
    return () => {
      provider.off("sync", onSync);
      tracker.destroy();
      provider.destroy();
      doc.destroy();
      setSession(null);
      setSynced(false);
    };
  }, [props.documentId]);

  const goals = useMemo(
    () => ({ cycleId: props.cycleId, byId: new Map(props.goals.map((g) => [g.id, g])), hidden: props.goalsHidden ?? false }),
    [props.cycleId, props.goals, props.goalsHidden],
  );

  return (
    <PlanGoalsContext.Provider value={goals}>
      {session ? <LiveEditor {...props} session={session} synced={synced} /> : <StaticPlan html={props.initialHtml} status={{ state: "reconnecting", pending: 0, readOnly: props.readOnly }} readOnly={props.readOnly} />}
    </PlanGoalsContext.Provider>
  );
}

function StaticPlan({ html, status, readOnly }: { html: string; status: SaveStatus; readOnly: boolean }) {
  return (
    <div className="ck-plan">
      <div className="ck-plan__bar">
        <ConnectionIndicator status={status} readOnly={readOnly} />
      </div>
      <div className="ck-doc ck-doc--static" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}

function usePresence(provider: WebsocketProvider): PresenceUser[] {
  const [people, setPeople] = useState<PresenceUser[]>([]);
  useEffect(() => {
    const read = () => {
      const byId = new Map<string, PresenceUser>();
      for (const state of provider.awareness.getStates().values()) {
        const user = (state as { user?: Partial<PresenceUser> }).user;
        if (user?.id && user.name && user.color) byId.set(user.id, { id: user.id, name: user.name, color: user.color });
      }
      setPeople([...byId.values()].sort((a, b) => a.name.localeCompare(b.name)));
    };
    read();
    provider.awareness.on("change", read);
    return () => provider.awareness.off("change", read);
  }, [provider]);
  return people;
}

function useSaveStatus(tracker: SaveTracker): SaveStatus {
  const [status, setStatus] = useState<SaveStatus>(() => tracker.status());
  useEffect(() => {
    setStatus(tracker.status());
    tracker.on("change", setStatus);
    return () => tracker.off("change", setStatus);
  }, [tracker]);
  return status;
}

function LiveEditor({ session, synced, readOnly: openedReadOnly, user, initialHtml, goals, goalsHidden = false, kind = "plan" }: PlanEditorProps & { session: LiveSession; synced: boolean }) {
  const words = kindWords[kind];
  const { doc, provider, tracker } = session;
  const status = useSaveStatus(tracker);
  // The page said what the person could do when it loaded; the server's word on the live connection wins.
  const readOnly = openedReadOnly || status.readOnly;
  const downgraded = status.readOnly && !openedReadOnly;
  const people = usePresence(provider);
  const goalsRef = useRef(goals);
  goalsRef.current = goals;
  const closed = status.state === "closed";
  // An edit the editor did not make because it would pass a document limit (a huge paste): said until dismissed.
  const [refusal, setRefusal] = useState<string | null>(null);

  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: !openedReadOnly,
      extensions: [
        ...editorExtensions({
          lookupGoal: (id) => goalsRef.current.find((g) => g.id === id),
          goalsHidden,
          goalNodeView: ReactNodeViewRenderer(GoalReferenceView),
          dataBlockNodeView: ReactNodeViewRenderer(DataBlockView),
          onEditRefused: setRefusal,
        }),
        Collaboration.configure({ document: doc, field: DOCUMENT_FIELD }),
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.color } }),
      ],
      editorProps: {
        attributes: {
          class: "ck-doc",
          role: "textbox",
          "aria-multiline": "true",
          "aria-label": openedReadOnly ? `${words.label} (read only)` : words.label,
          ...(openedReadOnly ? { "aria-readonly": "true" } : {}),
        },
      },
    },
    [doc, provider],
  );

  useEffect(() => {
    editor?.setEditable(!readOnly && !closed);
  }, [editor, readOnly, closed]);

  // Leaving with edits that are not stored yet loses them: the browser asks first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (tracker.status().pending > 0) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [tracker]);

  if (!editor || !synced) return <StaticPlan html={initialHtml} status={status} readOnly={readOnly} />;
  return (
    <div className="ck-plan" data-plan-document={session.provider.roomname}>
      <div className="ck-plan__bar">
        <ConnectionIndicator status={status} readOnly={readOnly} />
        <PresenceList people={people} selfId={user.id} />
      </div>
      {downgraded ? (
        <p className="ck-plan__readonly" role="alert">
          <span className="ck-badge ck-badge--muted">Read only</span> Your access to {words.these} changed: you can read {words.them} but no longer edit {words.them}.
          Changes that were not yet saved were not kept.
        </p>
      ) : readOnly ? (
        <p className="ck-plan__readonly">
          <span className="ck-badge ck-badge--muted">Read only</span> You can read {words.these} and see who is working on {words.them}; {words.editors}.
        </p>
      ) : (
        <PlanToolbar editor={editor} goals={goals} disabled={closed} />
      )}
      {refusal ? (
        <div className="ck-notice ck-notice--warning ck-plan__refused" role="alert" data-testid="edit-refused">
          <p>
            <strong>That change was not made:</strong> {refusal}. Everything else you write keeps saving as usual.
          </p>
          <button type="button" className="ck-button ck-button--secondary" onClick={() => setRefusal(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <EditorContent editor={editor} className="ck-plan__body" data-testid="plan-editor" data-ready={synced ? "true" : "false"} />
    </div>
  );
}
