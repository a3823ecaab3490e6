// The words of a generated report: from the facts of one cycle (read by report-generate.server.ts) to a Tiptap
// document of seven sections, in English or Spanish, for the board (everything), families (plain language, fewer
// numbers and blocks) or staff (implementation detail: strategies and professional learning). Pure, so every
// sentence can be checked without a database.
import type { JSONContent } from "@tiptap/core";
import type { Checkpoint } from "~/modules/cycles/school-year";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import type { DataTerm } from "~/modules/data/data-terms";
import { DATA_BLOCK_NODE, type DataBlockKind, type ReportAudience } from "./report-blocks";
import { formatReportDate, reportMessages, type ReportLanguage, type ReportMessages } from "./report-messages";

export interface ReportFacts {
  cycleId: string;
  startYear: number;
  placeName: string;
  districtName: string;
  isSchool: boolean;
  profile: { selStatement: string; history: string; milestones: { startYear: number; text: string }[] };
  /** Every cycle of this place up to this one, oldest first. */
  years: number[];
  rubric: {
    checkpoint: Checkpoint | null;
    /** Schools that scored (district) or activities scored (school) at that checkpoint, of how many. */
    scored: number;
    total: number;
    mean: number | null;
    /** Adult SEL (focus area 2) at that checkpoint, for staff. */
    adultMean: number | null;
  };
  /** Average level at the latest checkpoint of each year, oldest first. */
  movement: { startYear: number; checkpoint: Checkpoint; mean: number }[];
  goals: {
    title: string;
    kind: "implementation" | "outcome";
    status: keyof ReportMessages["goalStatus"];
    mirrored: boolean;
    decision: keyof ReportMessages["decision"] | null;
    decisionNote: string;
    strategies: { title: string; status: keyof ReportMessages["strategyStatus"]; ownerName: string }[];
  }[];
  data: { measures: number; schools: number; totalSchools: number; terms: DataTerm[]; sources: string[] };
  outcomes: { shown: number; total: number; atBenchmark: number; withBenchmark: number };
  groups: { shown: number; total: number };
  meetings: { title: string; heldOn: string; groups: string[]; people: number; note: string }[];
  findings: { kind: "success" | "challenge"; summary: string }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Sentences

interface Prose {
  placeholder: (what: string) => string;
  partOf: (school: string, district: string) => string;
  milestonesIntro: string;
  years: (place: string, years: string[], current: string) => string;
  movement: (a: { now: string; then: string | null; checkpointNow: string; yearNow: string; checkpointThen: string; yearThen: string }) => string;
  rubricScored: (a: { scored: number; total: number; checkpoint: string; year: string; district: boolean; mean: string | null }) => string;
  familiesProgress: (years: number, up: boolean | null) => string;
  goals: (a: { total: number; implementation: number; outcome: number; met: number; onTrack: number; noData: number }) => string;
  familiesGoals: (total: number, met: number, onTrack: number) => string;
  goalLine: (title: string, status: string, mirrored: boolean) => string;
  strategyLine: (title: string, status: string, owner: string) => string;
  noStrategies: string;
  strategiesIntro: string;
  data: (a: { measures: number; sources: string; terms: string; schools: number; totalSchools: number; district: boolean; year: string }) => string;
  familiesData: string;
  outcomes: (a: { shown: number; total: number; atBenchmark: number; withBenchmark: number }) => string;
  familiesOutcomes: (atBenchmark: number, withBenchmark: number) => string;
  groups: (shown: number, total: number) => string;
  adult: (mean: string) => string;
  meetings: (count: number, people: number, groups: string) => string;
  noMeetings: string;
  meetingNote: (title: string, date: string, note: string) => string;
  familiesMeetings: (count: number, groups: string) => string;
  successes: string;
  challenges: string;
  noFindings: string;
  decided: (decided: number, total: number) => string;
  undecided: (year: string) => string;
  nextYear: (year: string) => string;
  familiesNext: (year: string) => string;
}

const enProse: Prose = {
  placeholder: (what) => `[To write: ${what}. The lead keeps it in the district profile.]`,
  partOf: (school, district) => `${school} is one of the schools of ${district}, and its SEL work is part of the district's.`,
  milestonesIntro: "Milestones so far:",
  years: (place, years, current) =>
    years.length > 1 ? `${current} is ${place}'s ${ordinalEn(years.length)} year of the SEL cycle, after ${years.slice(0, -1).join(", ")}.` : `${current} is ${place}'s first year of the SEL cycle.`,
  movement: ({ now, then, checkpointNow, yearNow, checkpointThen, yearThen }) =>
    then === null
      ? `The average implementation rubric level was ${now} of 4 at ${checkpointNow.toLowerCase()} ${yearNow}.`
      : `The average implementation rubric level was ${now} of 4 at ${checkpointNow.toLowerCase()} ${yearNow}, against ${then} at ${checkpointThen.toLowerCase()} ${yearThen}.`,
  rubricScored: ({ scored, total, checkpoint, year, district, mean }) =>
    district
      ? `${scored} of ${total} schools scored the implementation rubric at ${checkpoint.toLowerCase()} ${year}${mean ? `, with an average level of ${mean} of 4` : ""}.`
      : `${scored} of ${total} rubric activities were scored at ${checkpoint.toLowerCase()} ${year}${mean ? `, with an average level of ${mean} of 4` : ""}.`,
  familiesProgress: (years, up) =>
    `This is year ${years} of our work on social and emotional learning.${up === true ? " Our schools are putting more of it in place than a year ago." : up === false ? " This year we have more to do to put it in place." : ""}`,
  goals: ({ total, implementation, outcome, met, onTrack, noData }) =>
    `We set ${total} ${total === 1 ? "goal" : "goals"} this year: ${implementation} about putting SEL in place (implementation) and ${outcome} about students' results (outcomes). So far ${met} ${met === 1 ? "is" : "are"} met, ${onTrack} ${onTrack === 1 ? "is" : "are"} on track or improving, and ${noData} ${noData === 1 ? "has" : "have"} no data yet.`,
  familiesGoals: (total, met, onTrack) =>
    `We set ${total} ${total === 1 ? "goal" : "goals"} this year.${met ? ` ${met} ${met === 1 ? "is" : "are"} already met.` : ""}${onTrack ? ` ${onTrack} ${met ? "more " : ""}${onTrack === 1 ? "is" : "are"} moving the right way.` : met ? "" : " It is early in the year: most of the work is still ahead."}`,
  goalLine: (title, status, mirrored) => `${title}${mirrored ? " (a district goal)" : ""}: ${status.toLowerCase()}.`,
  strategyLine: (title, status, owner) => `${title} — ${status.toLowerCase()}${owner ? `, led by ${owner}` : ""}`,
  noStrategies: "No strategies written yet.",
  strategiesIntro: "The strategies behind each goal, and where they stand:",
  data: ({ measures, sources, terms, schools, totalSchools, district, year }) =>
    `In ${year} we collected ${measures} ${measures === 1 ? "measure" : "measures"} from ${sources}, in ${terms}${district ? `, from ${schools} of ${totalSchools} schools` : ""}. Results are looked at for all students, by grade and by student group.`,
  familiesData: "We asked students about their social and emotional skills and how connected they feel at school, and looked at attendance and grades.",
  outcomes: ({ shown, total, atBenchmark, withBenchmark }) =>
    `Of ${total} student results this year, ${shown} can be shown; ${atBenchmark} of the ${withBenchmark} with a benchmark are at or better than it.`,
  familiesOutcomes: (atBenchmark, withBenchmark) => `${atBenchmark} of ${withBenchmark} results are as good as or better than similar schools.`,
  groups: (shown, total) => `Results by student group are shown for ${shown} of ${total} groups; smaller groups are left out to protect students' privacy.`,
  adult: (mean) => `Adult SEL and professional learning (focus area 2) stood at an average level of ${mean} of 4.`,
  meetings: (count, people, groups) =>
    `We held ${count} reflection ${count === 1 ? "meeting" : "meetings"} on the data, with ${people} team ${people === 1 ? "member" : "members"}${groups ? ` and ${groups}` : ""}.`,
  noMeetings: "No reflection meeting has been held yet this year.",
  meetingNote: (title, date, note) => `${title} (${date}): ${note}`,
  familiesMeetings: (count, groups) => `${count === 1 ? "One meeting" : `${count} meetings`} looked at the results together${groups ? ` with ${groups}` : ""}.`,
  successes: "What went well:",
  challenges: "What we still need to work on:",
  noFindings: "No findings have been recorded yet this year.",
  decided: (decided, total) => `${decided} of ${total} goals have a decision for next year.`,
  undecided: (year) => `Decisions on each goal are taken at the end-of-year reflection of ${year}.`,
  nextYear: (year) => `These decisions shape the goals and strategies of ${year}.`,
  familiesNext: (year) => `We will use what we learned to plan ${year}, and we will keep asking students and families what they think.`,
};

const esProse: Prose = {
  placeholder: (what) => `[Por redactar: ${what}. La responsable lo mantiene en el perfil del distrito.]`,
  partOf: (school, district) => `${school} es una de las escuelas de ${district}, y su trabajo socioemocional forma parte del trabajo del distrito.`,
  milestonesIntro: "Hitos hasta ahora:",
  years: (place, years, current) =>
    years.length > 1 ? `${current} es el año ${years.length} del ciclo socioemocional de ${place}, después de ${years.slice(0, -1).join(", ")}.` : `${current} es el primer año del ciclo socioemocional de ${place}.`,
  movement: ({ now, then, checkpointNow, yearNow, checkpointThen, yearThen }) =>
    then === null
      ? `El nivel medio de la rúbrica de implementación fue ${now} de 4 en el punto de control de ${checkpointNow.toLowerCase()} de ${yearNow}.`
      : `El nivel medio de la rúbrica de implementación fue ${now} de 4 en el punto de control de ${checkpointNow.toLowerCase()} de ${yearNow}, frente a ${then} en el de ${checkpointThen.toLowerCase()} de ${yearThen}.`,
  rubricScored: ({ scored, total, checkpoint, year, district, mean }) =>
    district
      ? `${scored} de ${total} escuelas evaluaron la rúbrica de implementación en el punto de control de ${checkpoint.toLowerCase()} de ${year}${mean ? `, con un nivel medio de ${mean} de 4` : ""}.`
      : `Se evaluaron ${scored} de ${total} actividades de la rúbrica en el punto de control de ${checkpoint.toLowerCase()} de ${year}${mean ? `, con un nivel medio de ${mean} de 4` : ""}.`,
  familiesProgress: (years, up) =>
    `Este es el año ${years} de nuestro trabajo en el aprendizaje socioemocional.${up === true ? " Nuestras escuelas lo aplican más que hace un año." : up === false ? " Este año nos queda más por hacer para aplicarlo." : ""}`,
  goals: ({ total, implementation, outcome, met, onTrack, noData }) =>
    `Este año fijamos ${total} ${total === 1 ? "meta" : "metas"}: ${implementation} sobre cómo aplicamos el aprendizaje socioemocional (implementación) y ${outcome} sobre los resultados de los estudiantes. Hasta ahora ${met} ${met === 1 ? "está cumplida" : "están cumplidas"}, ${onTrack} ${onTrack === 1 ? "va bien encaminada o mejorando" : "van bien encaminadas o mejorando"} y ${noData} aún no ${noData === 1 ? "tiene" : "tienen"} datos.`,
  familiesGoals: (total, met, onTrack) =>
    `Este año fijamos ${total} ${total === 1 ? "meta" : "metas"}.${met ? ` ${met} ya ${met === 1 ? "está cumplida" : "están cumplidas"}.` : ""}${onTrack ? ` ${met ? "Otras " : ""}${onTrack} ${onTrack === 1 ? "avanza" : "avanzan"} en la buena dirección.` : met ? "" : " Es pronto en el curso: la mayor parte del trabajo está por delante."}`,
  goalLine: (title, status, mirrored) => `${title}${mirrored ? " (meta del distrito)" : ""}: ${status.toLowerCase()}.`,
  strategyLine: (title, status, owner) => `${title} — ${status.toLowerCase()}${owner ? `, a cargo de ${owner}` : ""}`,
  noStrategies: "Aún no hay estrategias escritas.",
  strategiesIntro: "Las estrategias de cada meta y su situación:",
  data: ({ measures, sources, terms, schools, totalSchools, district, year }) =>
    `En ${year} recopilamos ${measures} ${measures === 1 ? "medida" : "medidas"} a partir de ${sources}, en ${terms}${district ? `, de ${schools} de ${totalSchools} escuelas` : ""}. Los resultados se analizan para todos los estudiantes, por curso y por grupo de estudiantes.`,
  familiesData: "Preguntamos a los estudiantes por sus habilidades socioemocionales y por cómo se sienten en la escuela, y revisamos la asistencia y las calificaciones.",
  outcomes: ({ shown, total, atBenchmark, withBenchmark }) =>
    `De ${total} resultados de los estudiantes de este año se pueden mostrar ${shown}; ${atBenchmark} de los ${withBenchmark} que tienen referencia la igualan o la superan.`,
  familiesOutcomes: (atBenchmark, withBenchmark) => `${atBenchmark} de ${withBenchmark} resultados son iguales o mejores que los de escuelas parecidas.`,
  groups: (shown, total) => `Se muestran resultados por grupo para ${shown} de ${total} grupos de estudiantes; los grupos más pequeños no se muestran para proteger la privacidad de los estudiantes.`,
  adult: (mean) => `El aprendizaje socioemocional de los adultos y la formación del personal (área de enfoque 2) tuvieron un nivel medio de ${mean} de 4.`,
  meetings: (count, people, groups) =>
    `Celebramos ${count} ${count === 1 ? "reunión" : "reuniones"} de reflexión sobre los datos, con ${people} ${people === 1 ? "miembro" : "miembros"} del equipo${groups ? ` y ${groups}` : ""}.`,
  noMeetings: "Este año aún no se ha celebrado ninguna reunión de reflexión.",
  meetingNote: (title, date, note) => `${title} (${date}): ${note}`,
  familiesMeetings: (count, groups) => `${count === 1 ? "Una reunión revisó" : `${count} reuniones revisaron`} los resultados en común${groups ? ` con ${groups}` : ""}.`,
  successes: "Lo que salió bien:",
  challenges: "Lo que aún debemos mejorar:",
  noFindings: "Este año aún no se han registrado conclusiones.",
  decided: (decided, total) => `${decided} de ${total} metas tienen una decisión para el próximo curso.`,
  undecided: (year) => `Las decisiones sobre cada meta se toman en la reflexión de fin de curso de ${year}.`,
  nextYear: (year) => `Estas decisiones orientan las metas y estrategias de ${year}.`,
  familiesNext: (year) => `Usaremos lo aprendido para planificar ${year} y seguiremos preguntando a estudiantes y familias su opinión.`,
};

function ordinalEn(n: number): string {
  const words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
  if (n <= words.length) return words[n - 1];
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${s}`;
}

export function reportProse(language: ReportLanguage): Prose {
  return language === "es" ? esProse : enProse;
}

// ---------------------------------------------------------------------------------------------------------------
// Document nodes

const text = (value: string): JSONContent[] => (value ? [{ type: "text", text: value }] : []);
const paragraph = (value: string): JSONContent => ({ type: "paragraph", content: text(value) });
const heading = (value: string, level = 2): JSONContent => ({ type: "heading", attrs: { level }, content: text(value) });
const bullets = (items: string[]): JSONContent => ({ type: "bulletList", content: items.map((item) => ({ type: "listItem", content: [paragraph(item)] })) });
const dataBlock = (kind: DataBlockKind, cycleId: string): JSONContent => ({ type: DATA_BLOCK_NODE, attrs: { query: { kind, cycleId, options: {} }, note: "", frozen: null } });

/** Which blocks each audience gets: the board everything, staff all but group detail, families two. */
export const audienceBlocks: Record<ReportAudience, DataBlockKind[]> = {
  board: ["rubric-movement", "goals", "data-collected", "rubric-rollup", "outcomes", "outcome-groups", "participation", "decisions"],
  staff: ["rubric-movement", "goals", "data-collected", "rubric-rollup", "outcomes", "participation", "decisions"],
  families: ["goals", "outcomes"],
};

/** The report's document: seven sections, each a heading, its sentences and (per audience) its data blocks. */
export function buildReportDocument(facts: ReportFacts, audience: ReportAudience, languageTag: string): JSONContent {
  const m = reportMessages(languageTag);
  const p = reportProse(m.language);
  const plain = audience === "families";
  const blocks = new Set(audienceBlocks[audience]);
  const block = (kind: DataBlockKind) => (blocks.has(kind) ? [dataBlock(kind, facts.cycleId)] : []);
  const level = (value: number) => m.decimal(value, 1);
  const year = schoolYearLabel(facts.startYear);
  const district = !facts.isSchool;
  const sections: JSONContent[][] = [];

  // 1. What SEL is here, and the history of the commitment.
  {
    const out: JSONContent[] = [];
    if (facts.isSchool) out.push(paragraph(p.partOf(facts.placeName, facts.districtName)));
    out.push(paragraph(facts.profile.selStatement.trim() || p.placeholder(m.sections[0])));
    if (!plain || facts.profile.history.trim()) out.push(paragraph(facts.profile.history.trim() || p.placeholder(m.language === "es" ? "la historia del compromiso del distrito" : "the history of the district's commitment")));
    if (facts.profile.milestones.length) {
      out.push(paragraph(p.milestonesIntro));
      out.push(bullets([...facts.profile.milestones].sort((a, b) => a.startYear - b.startYear).map((ms) => `${schoolYearLabel(ms.startYear)}: ${ms.text}`)));
    }
    sections.push(out);
  }

  // 2. Progress to date: cycles so far and rubric movement across years.
  {
    const out: JSONContent[] = [];
    const moves = facts.movement;
    const now = moves.at(-1);
    const then = moves.length > 1 ? moves.at(-2)! : null;
    if (plain) {
      out.push(paragraph(p.familiesProgress(facts.years.length, now && then ? now.mean > then.mean : null)));
    } else {
      out.push(paragraph(p.years(facts.placeName, facts.years.map(schoolYearLabel), year)));
      if (now) {
        out.push(
          paragraph(
            p.movement({
              now: level(now.mean),
              then: then ? level(then.mean) : null,
              checkpointNow: m.checkpoint[now.checkpoint],
              yearNow: schoolYearLabel(now.startYear),
              checkpointThen: then ? m.checkpoint[then.checkpoint] : "",
              yearThen: then ? schoolYearLabel(then.startYear) : "",
            }),
          ),
        );
      }
    }
    out.push(...block("rubric-movement"));
    sections.push(out);
  }

  // 3. This year's goals and their status.
  {
    const out: JSONContent[] = [];
    const goals = facts.goals;
    const met = goals.filter((g) => g.status === "met").length;
    const onTrack = goals.filter((g) => g.status === "on_track" || g.status === "improving").length;
    const noData = goals.filter((g) => g.status === "no_data").length;
    if (plain) {
      out.push(paragraph(p.familiesGoals(goals.length, met, onTrack)));
      if (goals.length) out.push(bullets(goals.map((g) => p.goalLine(g.title, m.goalStatus[g.status], false))));
    } else {
      out.push(
        paragraph(
          p.goals({ total: goals.length, implementation: goals.filter((g) => g.kind === "implementation").length, outcome: goals.filter((g) => g.kind === "outcome").length, met, onTrack, noData }),
        ),
      );
    }
    out.push(...block("goals"));
    if (audience === "staff" && goals.length) {
      out.push(paragraph(p.strategiesIntro));
      for (const g of goals) {
        out.push(heading(g.title, 3));
        out.push(g.strategies.length ? bullets(g.strategies.map((s) => p.strategyLine(s.title, m.strategyStatus[s.status], s.ownerName))) : paragraph(p.noStrategies));
      }
    }
    sections.push(out);
  }

  // 4. What data was collected, analysed and reported.
  {
    const out: JSONContent[] = [];
    if (plain) out.push(paragraph(p.familiesData));
    else
      out.push(
        paragraph(
          p.data({
            measures: facts.data.measures,
            sources: m.list(facts.data.sources.map((s) => s.toLowerCase())),
            terms: m.list(facts.data.terms.map((t) => m.term[t].toLowerCase())),
            schools: facts.data.schools,
            totalSchools: facts.data.totalSchools,
            district,
            year,
          }),
        ),
      );
    out.push(...block("data-collected"));
    sections.push(out);
  }

  // 5. Implementation and outcome results.
  {
    const out: JSONContent[] = [];
    const r = facts.rubric;
    if (!plain && r.checkpoint) {
      out.push(paragraph(p.rubricScored({ scored: r.scored, total: r.total, checkpoint: m.checkpoint[r.checkpoint], year, district, mean: r.mean === null ? null : level(r.mean) })));
      if (audience === "staff" && r.adultMean !== null) out.push(paragraph(p.adult(level(r.adultMean))));
    }
    out.push(...block("rubric-rollup"));
    out.push(paragraph(plain ? p.familiesOutcomes(facts.outcomes.atBenchmark, facts.outcomes.withBenchmark) : p.outcomes(facts.outcomes)));
    out.push(...block("outcomes"));
    if (blocks.has("outcome-groups")) {
      out.push(paragraph(p.groups(facts.groups.shown, facts.groups.total)));
      out.push(...block("outcome-groups"));
    }
    sections.push(out);
  }

  // 6. How stakeholders were engaged in reflection, and who took part.
  {
    const out: JSONContent[] = [];
    const groups = m.list([...new Set(facts.meetings.flatMap((x) => x.groups))].map((g) => (m.stakeholder[g as keyof ReportMessages["stakeholder"]] ?? g).toLowerCase()));
    if (facts.meetings.length === 0) out.push(paragraph(p.noMeetings));
    else if (plain) out.push(paragraph(p.familiesMeetings(facts.meetings.length, groups)));
    else {
      out.push(paragraph(p.meetings(facts.meetings.length, facts.meetings.reduce((s, x) => s + x.people, 0), groups)));
      const notes = facts.meetings.filter((x) => x.note.trim());
      if (notes.length) out.push(bullets(notes.map((x) => p.meetingNote(x.title, formatReportDate(x.heldOn, m.language), x.note.trim()))));
    }
    out.push(...block("participation"));
    sections.push(out);
  }

  // 7. Key learnings, conclusions and next steps.
  {
    const out: JSONContent[] = [];
    const successes = facts.findings.filter((f) => f.kind === "success");
    const challenges = facts.findings.filter((f) => f.kind === "challenge");
    if (successes.length) out.push(paragraph(p.successes), bullets(successes.map((f) => f.summary)));
    if (challenges.length) out.push(paragraph(p.challenges), bullets(challenges.map((f) => f.summary)));
    if (!successes.length && !challenges.length) out.push(paragraph(p.noFindings));
    const own = facts.goals.filter((g) => !g.mirrored);
    const decided = own.filter((g) => g.decision);
    const next = schoolYearLabel(facts.startYear + 1);
    if (plain) out.push(paragraph(p.familiesNext(next)));
    else if (decided.length) {
      out.push(paragraph(p.decided(decided.length, own.length)));
      out.push(bullets(decided.map((g) => `${g.title}: ${m.decision[g.decision!]}${g.decisionNote ? ` — ${g.decisionNote}` : ""}`)));
      out.push(paragraph(p.nextYear(next)));
    } else out.push(paragraph(p.undecided(year)));
    out.push(...block("decisions"));
    sections.push(out);
  }

  const titles = plain ? m.familySections : m.sections;
  return { type: "doc", content: sections.flatMap((content, i) => [heading(titles[i]), ...content]) };
}
