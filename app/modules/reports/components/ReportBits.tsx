// Small pieces every report page shares: the state badge and a report's one-line description.
import { reportAudienceLabels, type ReportAudience } from "../report-blocks";
import { languageLabel, reportStateLabels, type ReportState } from "../reports";

const stateTone: Record<ReportState, string> = {
  draft: "ck-badge ck-badge--muted",
  in_review: "ck-badge ck-badge--warning",
  published: "ck-badge",
  retracted: "ck-badge ck-badge--danger",
};

export function ReportStateBadge({ state }: { state: ReportState }) {
  return <span className={stateTone[state]}>{reportStateLabels[state]}</span>;
}

export function audienceShort(audience: ReportAudience) {
  return reportAudienceLabels[audience].split(" (")[0];
}

export function reportLine(report: { audience: ReportAudience; language: string }) {
  return `${audienceShort(report.audience)} · ${languageLabel(report.language).split(" (")[0]}`;
}
