// The role, schools and student-records fields shared by the invite and edit forms, and a status badge.
import { CheckboxGroup, SelectField, type FormState } from "~/components/ui/form";
import { roleLabels, roles } from "../permissions";

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] }));

export function PersonAccessFields({
  state,
  schools,
  defaults,
}: {
  state?: FormState;
  schools: { id: string; name: string }[];
  defaults?: { role: string; schoolIds: string[]; studentRecords: boolean };
}) {
  const studentRecordsChecked = state?.values ? state.values.studentRecords === "on" : (defaults?.studentRecords ?? false);
  return (
    <>
      <SelectField
        name="role"
        label="Role"
        options={roleOptions}
        defaultValue={defaults?.role ?? "school_team"}
        hint="Leads manage everything; the district team edits district work; school teams edit their schools; board members only read."
        state={state}
      />
      <CheckboxGroup
        name="schoolIds"
        legend="Schools (for school team members)"
        hint="A school team member works on the schools ticked here."
        options={schools.map((s) => ({ value: s.id, label: s.name }))}
        defaultChecked={defaults?.schoolIds ?? []}
        state={state}
      />
      <div className="ck-field">
        <label className="ck-check">
          <input type="checkbox" name="studentRecords" defaultChecked={studentRecordsChecked} aria-describedby="student-records-hint" />
          Can see student-level records
        </label>
        <span className="ck-field__hint" id="student-records-hint">
          Only for district roles who support students directly. Board members never see student records.
        </span>
      </div>
    </>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "active" ? "" : status === "invited" ? " ck-badge--warning" : " ck-badge--muted";
  const label = status === "active" ? "Active" : status === "invited" ? "Invited" : "Deactivated";
  return <span className={`ck-badge${tone}`}>{label}</span>;
}
