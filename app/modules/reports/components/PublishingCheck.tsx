// A refused publish on the report page: each place that names a student, with the words highlighted, and a form to
// publish again once the draft is fixed, confirming names or numbers that are not about a student (ADR 0034).
import { Form } from "@remix-run/react";
import { useEffect, useId, useRef } from "react";
import type { PublishingCheckPlace } from "~/modules/reports/reports.server";

export interface StudentsNamedDetail {
  kind: "students-named";
  places: PublishingCheckPlace[];
}

/** The failure's detail when it is a refused publish, else null (any other failure is not this component's). */
export function studentsNamedOf(failure: { detail?: unknown } | undefined): StudentsNamedDetail | null {
  const detail = failure?.detail as Partial<StudentsNamedDetail> | undefined;
  return detail?.kind === "students-named" && Array.isArray(detail.places) ? (detail as StudentsNamedDetail) : null;
}

const kindLabels: Record<PublishingCheckPlace["kind"], string> = {
  id: "A student id. Ids are never published: remove it from the draft.",
  number: "A number that is also a student id.",
  name: "A student's name.",
};

export function PublishingCheck({ detail, message, version }: { detail: StudentsNamedDetail; message: string; version: number }) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // After the answer arrives the cursor goes to the list, so a keyboard or screen reader user starts where the problem is.
  useEffect(() => heading.current?.focus(), [detail]);
  const confirmable = [...new Map(detail.places.filter((p) => p.kind !== "id").map((p) => [p.key, p])).values()];
  const ids = detail.places.filter((p) => p.kind === "id").length;
  return (
    <section className="ck-publish-check" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        Not published: the report names {detail.places.length === 1 ? "a student" : "students"}
      </h3>
      <p role="alert">{message}</p>
      <ol className="ck-publish-check__places">
        {detail.places.map((place, i) => (
          <li key={i} className={place.kind === "id" ? "ck-publish-check__place ck-publish-check__place--id" : "ck-publish-check__place"}>
            <strong>{place.where}</strong>
            <span className="ck-muted"> · {kindLabels[place.kind]}</span>
            <blockquote className="ck-publish-check__text">
              {place.before}
              <mark>{place.match}</mark>
              {place.after}
            </blockquote>
          </li>
        ))}
      </ol>
      <Form method="post" className="ck-form">
        <input type="hidden" name="intent" value="publish" />
        <input type="hidden" name="expectedVersion" value={version} />
        {confirmable.length ? (
          <fieldset className="ck-fieldset">
            <legend>Not about a student? Confirm each one you are sure of</legend>
            <p className="ck-field__hint">A staff member who shares a student's name, or ordinary words. The confirmation is recorded with the publication.</p>
            {confirmable.map((place) => (
              <label key={place.key} className="ck-check">
                <input type="checkbox" name="notStudents" value={place.key} defaultChecked={place.confirmed} />
                <span>
                  “{place.match}” is not {place.kind === "number" ? "a student id" : "a student"}
                </span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div>
          <button type="submit" className="ck-button">
            {ids ? "Publish again once the ids are removed" : "Publish again"}
          </button>
        </div>
      </Form>
    </section>
  );
}
