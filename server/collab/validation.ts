// The gate every client change passes before it is queued: applied to a shadow copy of the document (the stored state
// plus everything queued), checked against the editor's schema and limits (app/editor/validity.ts), refused if it fails.
import * as Y from "yjs";
import { DOCUMENT_FIELD } from "~/editor/extensions";
import { bodySize, checkBodyChanges, DOCUMENT_LIMITS, documentTooLargeReason, type Refusal } from "~/editor/validity";
import { MalformedMessage } from "./protocol";

/** A change the editor could not have made, or one past a limit: nothing is stored, applied or broadcast. */
export class ChangeRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
    this.name = "ChangeRefused";
  }
}

/**
 * The shadow is the document as it will be once everything accepted so far is applied. A change is applied to it and
 * only the parts it touched are checked (the events of one Yjs transaction), so a keystroke costs about what applying
 * it costs. Yjs cannot take a change back: a refused change poisons the shadow, which is then rebuilt from the
 * document's state and the queue (a full decode, paid only by refusals).
 */
export class ChangeGate {
  private shadow!: Y.Doc;
  private verdict: ReturnType<typeof checkBodyChanges> | null = null;
  /** An upper bound of the body's size: grows by each change's additions; measured exactly only near the limit. */
  private sizeBound = 0;
  private following = false;

  constructor(
    /** The document's state and every update queued after it, as they will be applied. */
    private readonly accepted: () => Uint8Array[],
    private readonly maxSize: number = DOCUMENT_LIMITS.documentSize,
  ) {
    this.rebuild();
  }

  /** Applies a client's change to the shadow if it is valid; throws ChangeRefused (and forgets it) if not. */
  admit(update: Uint8Array) {
    this.verdict = null;
    try {
      Y.applyUpdate(this.shadow, update);
    } catch (error) {
      this.rebuild();
      throw new MalformedMessage(`not a Yjs update: ${(error as Error).message}`);
    }
    const verdict = this.verdict as ReturnType<typeof checkBodyChanges> | null;
    this.verdict = null;
    if (!verdict) return; // nothing in the body changed (or the change waits for one it depends on)
    if (verdict.refusal) {
      this.rebuild();
      throw new ChangeRefused(verdict.refusal);
    }
    this.sizeBound += verdict.growth;
    if (this.sizeBound > this.maxSize) {
      this.sizeBound = bodySize(this.body);
      if (this.sizeBound > this.maxSize) {
        this.rebuild();
        throw new ChangeRefused({ kind: "too-large", reason: documentTooLargeReason });
      }
    }
  }

  /** A change accepted without checking (another instance's, the app's own): the shadow must hold it too. */
  follow(update: Uint8Array) {
    this.following = true;
    try {
      Y.applyUpdate(this.shadow, update);
    } catch {
      // The document itself skips such an update the same way.
    } finally {
      this.following = false;
      this.verdict = null;
    }
    // Bytes bound characters from above (a character is at least one byte of an update).
    this.sizeBound += update.byteLength;
  }

  destroy() {
    this.shadow.destroy();
  }

  private get body() {
    return this.shadow.getXmlFragment(DOCUMENT_FIELD);
  }

  private rebuild() {
    this.shadow?.destroy();
    this.shadow = new Y.Doc();
    for (const update of this.accepted()) {
      try {
        Y.applyUpdate(this.shadow, update);
      } catch {
        // skipped, as the document skips it
      }
    }
    // Yjs computes an event's changes only while its observers run, so the check runs here.
    this.body.observeDeep((events) => {
      if (this.following) return;
      let next: ReturnType<typeof checkBodyChanges>;
      try {
        next = checkBodyChanges(events);
      } catch (error) {
        // A fault of the check itself: refuse rather than store what was not checked, and say so in the log.
        console.error(`collab: checking a change failed: ${(error as Error).stack ?? (error as Error).message}`);
        next = { refusal: { kind: "invalid", reason: "the change could not be checked" }, growth: 0 };
      }
      // One update may integrate in more than one transaction: the first refusal stands.
      this.verdict = this.verdict ? { refusal: this.verdict.refusal ?? next.refusal, growth: this.verdict.growth + next.growth } : next;
    });
    this.sizeBound = bodySize(this.body);
  }
}
