// Step 2: for each field the import needs, a choice of the file's headings, pre-filled with the best guess.
import { importFieldHints, importFieldLabels, importFields, type ColumnMapping } from "../import";

/** A GET form, so it works without JavaScript and the preview it leads to can be reloaded or shared with oneself. */
export function MappingForm({ token, headers, mapping, submitLabel = "Check the rows" }: { token: string; headers: string[]; mapping: ColumnMapping; submitLabel?: string }) {
  const missing = importFields.filter((f) => mapping[f] === null);
  return (
    <form method="get" action="/data/import" className="ck-form">
      <input type="hidden" name="upload" value={token} />
      <p>
        The file’s headings differ from the template’s. Choose which column holds each field; the guesses are filled in.
        {missing.length ? ` No column was guessed for: ${missing.map((f) => importFieldLabels[f].toLowerCase()).join(", ")}.` : ""}
      </p>
      <div className="ck-mapping">
        {importFields.map((field) => (
          <div className="ck-field" key={field}>
            <label htmlFor={`col_${field}`}>{importFieldLabels[field]}</label>
            <span className="ck-field__hint" id={`col_${field}-hint`}>
              {importFieldHints[field]}
            </span>
            <select id={`col_${field}`} name={`col_${field}`} className="ck-select" defaultValue={mapping[field] === null ? "" : String(mapping[field])} aria-describedby={`col_${field}-hint`}>
              <option value="">— Not in this file —</option>
              {headers.map((h, i) => (
                <option key={i} value={String(i)}>
                  {h || `Column ${i + 1} (no heading)`}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <div>
        <button type="submit" className="ck-button">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
