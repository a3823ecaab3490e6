// The plan's formatting toolbar: every command is a labelled button with its pressed state, reachable by keyboard.
import { useEditorState, type Editor } from "@tiptap/react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { GoalSummary } from "~/editor/goal-reference";
import { checkHref } from "~/editor/links";

function ToolButton({ label, pressed, disabled, onClick, children, shortcut }: { label: string; pressed?: boolean; disabled?: boolean; onClick: () => void; children: ReactNode; shortcut?: string }) {
  return (
    <button
      type="button"
      className="ck-tool"
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-pressed={pressed === undefined ? undefined : pressed}
      disabled={disabled}
      // Keep the selection in the document while clicking.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      <span aria-hidden="true">{children}</span>
      <span className="ck-visually-hidden">{label}</span>
    </button>
  );
}

export function PlanToolbar({ editor, goals, disabled }: { editor: Editor; goals: GoalSummary[]; disabled: boolean }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      strike: e.isActive("strike"),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
      taskList: e.isActive("taskList"),
      link: e.isActive("link"),
      linkHref: (e.getAttributes("link").href as string | undefined) ?? "",
      inTable: e.isActive("table"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const [linkOpen, setLinkOpen] = useState(false);
  const chain = () => editor.chain().focus();
  const off = disabled;

  return (
    <div className="ck-toolbar-wrap">
      <div className="ck-toolbar" role="toolbar" aria-label="Formatting">
        <div className="ck-toolbar__group" role="group" aria-label="Text">
          <ToolButton label="Bold" shortcut="Ctrl+B" pressed={state.bold} disabled={off} onClick={() => chain().toggleBold().run()}>
            <b>B</b>
          </ToolButton>
          <ToolButton label="Italic" shortcut="Ctrl+I" pressed={state.italic} disabled={off} onClick={() => chain().toggleItalic().run()}>
            <i>I</i>
          </ToolButton>
          <ToolButton label="Strikethrough" pressed={state.strike} disabled={off} onClick={() => chain().toggleStrike().run()}>
            <s>S</s>
          </ToolButton>
          <ToolButton label="Link" pressed={state.link} disabled={off} onClick={() => setLinkOpen((open) => !open)}>
            Link
          </ToolButton>
        </div>
        <div className="ck-toolbar__group" role="group" aria-label="Blocks">
          <ToolButton label="Section heading" pressed={state.h2} disabled={off} onClick={() => chain().toggleHeading({ level: 2 }).run()}>
            H2
          </ToolButton>
          <ToolButton label="Subheading" pressed={state.h3} disabled={off} onClick={() => chain().toggleHeading({ level: 3 }).run()}>
            H3
          </ToolButton>
          <ToolButton label="Bulleted list" pressed={state.bulletList} disabled={off} onClick={() => chain().toggleBulletList().run()}>
            • List
          </ToolButton>
          <ToolButton label="Numbered list" pressed={state.orderedList} disabled={off} onClick={() => chain().toggleOrderedList().run()}>
            1. List
          </ToolButton>
          <ToolButton label="Task list" pressed={state.taskList} disabled={off} onClick={() => chain().toggleTaskList().run()}>
            ☐ Tasks
          </ToolButton>
        </div>
        <div className="ck-toolbar__group" role="group" aria-label="Tables">
          {state.inTable ? (
            <>
              <ToolButton label="Add row below" disabled={off} onClick={() => chain().addRowAfter().run()}>
                + Row
              </ToolButton>
              <ToolButton label="Add column after" disabled={off} onClick={() => chain().addColumnAfter().run()}>
                + Column
              </ToolButton>
              <ToolButton label="Delete row" disabled={off} onClick={() => chain().deleteRow().run()}>
                − Row
              </ToolButton>
              <ToolButton label="Delete column" disabled={off} onClick={() => chain().deleteColumn().run()}>
                − Column
              </ToolButton>
              <ToolButton label="Delete table" disabled={off} onClick={() => chain().deleteTable().run()}>
                Delete table
              </ToolButton>
            </>
          ) : (
            <ToolButton label="Insert table" disabled={off} onClick={() => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()}>
              Table
            </ToolButton>
          )}
        </div>
        <div className="ck-toolbar__group" role="group" aria-label="History">
          <ToolButton label="Undo" shortcut="Ctrl+Z" disabled={off || !state.canUndo} onClick={() => chain().undo().run()}>
            Undo
          </ToolButton>
          <ToolButton label="Redo" shortcut="Ctrl+Shift+Z" disabled={off || !state.canRedo} onClick={() => chain().redo().run()}>
            Redo
          </ToolButton>
        </div>
        <InsertGoal editor={editor} goals={goals} disabled={off} />
      </div>
      {linkOpen ? <LinkForm editor={editor} currentHref={state.linkHref} onDone={() => setLinkOpen(false)} /> : null}
    </div>
  );
}

function InsertGoal({ editor, goals, disabled }: { editor: Editor; goals: GoalSummary[]; disabled: boolean }) {
  const id = useId();
  const [goalId, setGoalId] = useState("");
  if (goals.length === 0) return null;
  return (
    <div className="ck-toolbar__group ck-toolbar__goal" role="group" aria-label="Goals">
      <label htmlFor={id} className="ck-visually-hidden">
        Goal to insert
      </label>
      <select id={id} value={goalId} onChange={(event) => setGoalId(event.target.value)} disabled={disabled}>
        <option value="">Choose a goal…</option>
        {goals.map((goal) => (
          <option key={goal.id} value={goal.id}>
            {goal.title}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="ck-tool"
        disabled={disabled || !goalId}
        onClick={() => {
          editor.chain().focus().insertContent({ type: "goalReference", attrs: { goalId } }).run();
          setGoalId("");
        }}
      >
        Insert goal
      </button>
    </div>
  );
}

function LinkForm({ editor, currentHref, onDone }: { editor: Editor; currentHref: string; onDone: () => void }) {
  const id = useId();
  const [href, setHref] = useState(currentHref);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = href.trim();
    const verdict = checkHref(value);
    if (!verdict.ok) {
      setError(verdict.reason);
      return;
    }
    editor.chain().focus().extendMarkRange("link").setLink({ href: value }).run();
    onDone();
  };
  return (
    <form className="ck-linkform" onSubmit={submit} noValidate>
      <label htmlFor={id}>Link address</label>
      <input
        id={id}
        type="text"
        inputMode="url"
        value={href}
        autoFocus
        placeholder="https://…"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          setHref(event.target.value);
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            onDone();
            editor.commands.focus();
          }
        }}
      />
      <button type="submit" className="ck-button">
        Apply
      </button>
      {currentHref ? (
        <button
          type="button"
          className="ck-button ck-button--secondary"
          onClick={() => {
            editor.chain().focus().extendMarkRange("link").unsetLink().run();
            onDone();
          }}
        >
          Remove link
        </button>
      ) : null}
      <button type="button" className="ck-button ck-button--secondary" onClick={() => { onDone(); editor.commands.focus(); }}>
        Cancel
      </button>
      {error ? (
        <p id={`${id}-error`} className="ck-field__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
