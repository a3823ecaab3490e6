// A report's data block in the browser editor: the figure with its live numbers (a draft) or its frozen ones (a
// published copy), the authors' note, and buttons to move the block up or down or remove it. Read-only editors show
// the figure and the note only. The figure's HTML comes from renderDataBlockHTML, which escapes every string.
import { NodeViewWrapper, type ReactNodeViewProps } from "@tiptap/react";
import { createContext, useContext, useEffect, useId, useState } from "react";
import { renderDataBlockHTML } from "../block-html";
import type { BlockData, DataBlockAttrs } from "../report-blocks";

/** The report's language, for the live figure's words; plans and other documents read English. */
export const DataBlockLanguage = createContext("en");

type Live = { state: "loading" } | { state: "ready"; html: string; data: BlockData } | { state: "failed"; message: string };

export function DataBlockView({ node, editor, getPos, updateAttributes, deleteNode, selected }: ReactNodeViewProps) {
  const attrs = node.attrs as DataBlockAttrs;
  const language = useContext(DataBlockLanguage);
  const queryJson = JSON.stringify(attrs.query ?? null);
  const [live, setLive] = useState<Live>({ state: "loading" });
  const [note, setNote] = useState(attrs.note ?? "");
  const noteId = useId();
  const editable = editor.isEditable;

  useEffect(() => setNote(attrs.note ?? ""), [attrs.note]);

  useEffect(() => {
    if (attrs.frozen) return;
    const controller = new AbortController();
    setLive({ state: "loading" });
    fetch(`/reports/blocks?${new URLSearchParams({ query: queryJson, language })}`, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(async (response) => {
        if (!response.ok) {
          const body = await response.json().catch(() => null);
          throw new Error(body?.error ?? (response.status === 404 ? "This block's cycle is not available." : `The figures could not be read (${response.status}).`));
        }
        return response.json() as Promise<{ html: string; data: BlockData }>;
      })
      .then((body) => setLive({ state: "ready", html: body.html, data: body.data }))
      .catch((error: Error) => {
        if (!controller.signal.aborted) setLive({ state: "failed", message: error.message });
      });
    return () => controller.abort();
  }, [queryJson, language, attrs.frozen]);

  const html = attrs.frozen ? renderDataBlockHTML({ ...attrs, note: "" }, { language }) : live.state === "ready" ? live.html : null;
  const title = attrs.frozen?.title ?? (live.state === "ready" ? live.data.title : `Data block (${attrs.query?.kind ?? "unknown"})`);

  const move = (direction: -1 | 1) => {
    const pos = typeof getPos === "function" ? getPos() : undefined;
    if (typeof pos !== "number") return;
    const { state, view } = editor;
    const $pos = state.doc.resolve(pos);
    const index = $pos.index();
    const target = index + direction;
    if (target < 0 || target >= $pos.parent.childCount) return;
    const sibling = $pos.parent.child(target);
    const insertAt = direction === -1 ? pos - sibling.nodeSize : pos + sibling.nodeSize;
    view.dispatch(state.tr.delete(pos, pos + node.nodeSize).insert(insertAt, node));
    view.focus();
  };

  return (
    <NodeViewWrapper className={`ck-data-block${selected ? " ck-data-block--selected" : ""}`} data-data-block="" data-block-kind={attrs.query?.kind}>
      <div contentEditable={false} suppressContentEditableWarning>
        <p className="ck-data-block__status ck-muted">{attrs.frozen ? "Figures frozen when published" : "Live figures (frozen when the report is published)"}</p>
        {html ? (
          // Trusted: renderDataBlockHTML escapes every string it is given and writes no script or handler.
          <div className="ck-data-block__figure" dangerouslySetInnerHTML={{ __html: html }} />
        ) : live.state === "failed" ? (
          <p className="ck-notice ck-notice--error" role="alert">
            {title}: {live.message}
          </p>
        ) : (
          <p className="ck-muted" role="status">
            Loading {title}…
          </p>
        )}
        {editable ? (
          <div className="ck-data-block__controls">
            <label htmlFor={noteId}>Note on this figure</label>
            <textarea
              id={noteId}
              className="ck-input"
              rows={2}
              value={note}
              onChange={(event) => setNote(event.target.value)}
              onBlur={() => note !== attrs.note && updateAttributes({ note })}
            />
            <div className="ck-data-block__buttons" role="group" aria-label={`Arrange ${title}`}>
              <button type="button" className="ck-button ck-button--secondary" onClick={() => move(-1)}>
                Move up<span className="ck-visually-hidden">: {title}</span>
              </button>
              <button type="button" className="ck-button ck-button--secondary" onClick={() => move(1)}>
                Move down<span className="ck-visually-hidden">: {title}</span>
              </button>
              <button type="button" className="ck-button ck-button--secondary" onClick={() => deleteNode()}>
                Remove<span className="ck-visually-hidden">: {title}</span>
              </button>
            </div>
          </div>
        ) : attrs.note ? (
          <p className="ck-block__note">{attrs.note}</p>
        ) : null}
      </div>
    </NodeViewWrapper>
  );
}
