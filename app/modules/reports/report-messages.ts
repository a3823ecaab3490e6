// The words a generated report and its data blocks are written in: English and Spanish, one catalog each, so a
// heading, a sentence and a table's column label all come from one place. Any other language reads English.
import type { Checkpoint } from "~/modules/cycles/school-year";
import type { DataTerm } from "~/modules/data/data-terms";

export type ReportLanguage = "en" | "es";

/** The catalog a BCP 47 tag reads from: "es", "es-MX" → Spanish; everything else English. */
export function reportLanguage(tag: string | null | undefined): ReportLanguage {
  return /^es(-|$)/i.test(tag ?? "") ? "es" : "en";
}

type GoalStatusKey = "not_started" | "on_track" | "met" | "not_met" | "no_data" | "improving" | "worsening" | "flat";
type DecisionKey = "sustain" | "new_strategies" | "change_focus" | "revise";
type StrategyStatusKey = "planned" | "in_progress" | "done" | "blocked";
type MeasureCategoryKey = "sel_competency" | "connectedness" | "attendance" | "course_failure" | "custom";
type StakeholderKey = "students" | "families" | "staff" | "community_partners" | "board";

export interface ReportMessages {
  language: ReportLanguage;
  sections: [string, string, string, string, string, string, string];
  /** The same seven sections in plain words, for families. */
  familySections: [string, string, string, string, string, string, string];
  checkpoint: Record<Checkpoint, string>;
  term: Record<DataTerm, string>;
  goalStatus: Record<GoalStatusKey, string>;
  decision: Record<DecisionKey, string>;
  strategyStatus: Record<StrategyStatusKey, string>;
  measureSource: Record<MeasureCategoryKey, string>;
  stakeholder: Record<StakeholderKey, string>;
  goalKind: { implementation: string; outcome: string };
  /** A goal block of a published report: its label, and what it says when its goal was not in the report's cycle. */
  goalBlock: { label: (kind: "implementation" | "outcome") => string; missingLabel: string; missingTitle: string; unknownStatus: string };
  /** Catalog focus areas by id (fa1 … fa4); others keep their own name. */
  focusArea: Record<string, string>;
  /** Catalog student groups by their English name; others keep their own name. */
  group: Record<string, string>;
  /** A number with one or two decimals in the language's style. */
  decimal: (value: number, digits: number) => string;
  list: (items: string[]) => string;
  fewerThan: (minN: number) => string;
  notShown: string;
  notScored: string;
  none: string;
  asOf: (date: string) => string;
  blocks: {
    rubricRollup: { title: (place: string, checkpoint: string, year: string) => string; area: string; average: string; schoolsScored: string; itemsScored: string; summary: (a: { scored: number; total: number; checkpoint: string; mean: string | null; district: boolean }) => string; levels: string };
    rubricMovement: { title: (place: string) => string; year: string; summary: (points: { year: string; mean: string }[]) => string };
    goals: { title: (year: string) => string; goal: string; kind: string; target: string; status: string; levelBy: (level: number, checkpoint: string) => string; valueBy: (value: string) => string; summary: (counts: { total: number; met: number; onTrack: number }) => string; mirrored: string };
    dataCollected: { title: (year: string) => string; measure: string; source: string; terms: string; schools: string; summary: (measures: number, schools: number) => string };
    outcomes: { title: (place: string, year: string) => string; measure: string; term: string; result: string; benchmark: string; target: string; summary: (a: { shown: number; total: number; atBenchmark: number; withBenchmark: number }) => string; direction: string };
    outcomeGroups: { title: (measure: string, place: string, term: string) => string; group: string; result: string; difference: string; summary: (shown: number, total: number) => string; footnote: (minN: number) => string; noMeasure: string };
    participation: { title: (year: string) => string; meeting: string; date: string; checkpoint: string; people: string; groups: string; others: string; summary: (meetings: number, people: number, groups: string[]) => string };
    decisions: { title: (year: string) => string; goal: string; decision: string; why: string; summary: (decided: number, total: number) => string };
  };
}

const en: ReportMessages = {
  language: "en",
  sections: [
    "What SEL means here",
    "Progress so far",
    "This year's goals",
    "What data we collected",
    "Implementation and outcome results",
    "How people took part in reflection",
    "What we learned and what comes next",
  ],
  familySections: [
    "What SEL means here",
    "How far we have come",
    "Our goals this year",
    "What we asked and counted",
    "How it is going",
    "Who looked at the results with us",
    "What we learned and what comes next",
  ],
  checkpoint: { baseline: "Baseline", midyear: "Mid-year", endyear: "End of year" },
  term: { fall: "Fall", winter: "Winter", spring: "Spring", year: "Whole year" },
  goalStatus: { not_started: "Not started", on_track: "On track", met: "Met", not_met: "Not met", no_data: "No data yet", improving: "Improving", worsening: "Worsening", flat: "No change" },
  decision: { sustain: "Keep it going", new_strategies: "Keep the goal, try new strategies", change_focus: "Change focus", revise: "Revise the goal" },
  strategyStatus: { planned: "Planned", in_progress: "In progress", done: "Done", blocked: "Blocked" },
  measureSource: { sel_competency: "Student survey", connectedness: "Student survey", attendance: "Attendance records", course_failure: "Course grades", custom: "District measure" },
  stakeholder: { students: "Students", families: "Families", staff: "Staff", community_partners: "Community partners", board: "Board" },
  goalKind: { implementation: "Implementation", outcome: "Outcome" },
  goalBlock: {
    label: (kind) => (kind === "implementation" ? "Implementation goal" : "Outcome goal"),
    missingLabel: "Goal",
    missingTitle: "A goal that is no longer in this cycle",
    unknownStatus: "Unknown status",
  },
  focusArea: {},
  group: {},
  decimal: (value, digits) => value.toFixed(digits),
  list: (items) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`),
  fewerThan: (minN) => `Fewer than ${minN} students`,
  notShown: "Not shown (small group)",
  notScored: "Not scored",
  none: "—",
  asOf: (date) => `Figures as of ${date}`,
  blocks: {
    rubricRollup: {
      title: (place, checkpoint, year) => `Implementation rubric: average level by focus area, ${place}, ${checkpoint.toLowerCase()} ${year}`,
      area: "Focus area",
      average: "Average level (1–4)",
      schoolsScored: "Schools scored",
      itemsScored: "Activities scored",
      summary: ({ scored, total, checkpoint, mean, district }) =>
        district
          ? `${scored} of ${total} schools scored the rubric at ${checkpoint.toLowerCase()}${mean ? `; the average level across schools was ${mean} of 4` : ""}.`
          : `${scored} of ${total} rubric activities were scored at ${checkpoint.toLowerCase()}${mean ? `; the average level was ${mean} of 4` : ""}.`,
      levels: "Levels: 1 not yet planned or implemented, 2 partially, 3 mostly, 4 fully planned and implemented.",
    },
    rubricMovement: {
      title: (place) => `Implementation rubric across school years, ${place}: average level at each checkpoint`,
      year: "School year",
      summary: (points) => (points.length ? `Average rubric level at the latest checkpoint of each year: ${points.map((p) => `${p.year} ${p.mean}`).join(", ")}.` : "No rubric scores yet."),
    },
    goals: {
      title: (year) => `Goals for ${year} and where they stand`,
      goal: "Goal",
      kind: "Kind",
      target: "Target",
      status: "Status",
      levelBy: (level, checkpoint) => `Level ${level} by ${checkpoint.toLowerCase()}`,
      valueBy: (value) => `Reach ${value}`,
      summary: ({ total, met, onTrack }) => `${total} ${total === 1 ? "goal" : "goals"}: ${met} met, ${onTrack} on track or improving.`,
      mirrored: "District goal",
    },
    dataCollected: {
      title: (year) => `Data collected in ${year}`,
      measure: "Measure",
      source: "Source",
      terms: "Terms",
      schools: "Schools",
      summary: (measures, schools) => `${measures} ${measures === 1 ? "measure was" : "measures were"} collected from ${schools} ${schools === 1 ? "school" : "schools"}.`,
    },
    outcomes: {
      title: (place, year) => `Student outcomes against benchmarks and targets, ${place}, ${year}`,
      measure: "Measure",
      term: "Term",
      result: "Result",
      benchmark: "Benchmark",
      target: "Target",
      summary: ({ shown, total, atBenchmark, withBenchmark }) =>
        `${shown} of ${total} results can be shown; ${atBenchmark} of ${withBenchmark} with a benchmark are at or better than it.`,
      direction: "For absenteeism and course failure, lower is better.",
    },
    outcomeGroups: {
      title: (measure, place, term) => `${measure} by student group, ${place}, ${term.toLowerCase()}`,
      group: "Student group",
      result: "Result",
      difference: "Difference from all students",
      summary: (shown, total) => `Results are shown for ${shown} of ${total} student groups; the others are too small to show.`,
      footnote: (minN) => `Groups of fewer than ${minN} students are not shown, nor any result from which a small group could be worked out.`,
      noMeasure: "No outcome results yet",
    },
    participation: {
      title: (year) => `Reflection meetings in ${year} and who took part`,
      meeting: "Meeting",
      date: "Date",
      checkpoint: "Checkpoint",
      people: "Team members",
      groups: "Stakeholder groups",
      others: "Others who took part",
      summary: (meetings, people, groups) =>
        `${meetings} reflection ${meetings === 1 ? "meeting" : "meetings"}, with ${people} team ${people === 1 ? "member" : "members"}${groups.length ? ` and ${groups.join(", ").toLowerCase()}` : ""}.`,
    },
    decisions: {
      title: (year) => `Decisions for each goal at the end of ${year}`,
      goal: "Goal",
      decision: "Decision",
      why: "Why",
      summary: (decided, total) => `${decided} of ${total} goals have a decision.`,
    },
  },
};

const esDecimal = (value: number, digits: number) => value.toFixed(digits).replace(".", ",");

const es: ReportMessages = {
  language: "es",
  sections: [
    "Qué significa aquí el aprendizaje socioemocional",
    "El camino recorrido",
    "Las metas de este año",
    "Qué datos recopilamos",
    "Resultados de implementación y de los estudiantes",
    "Cómo participó la comunidad en la reflexión",
    "Lo que aprendimos y los próximos pasos",
  ],
  familySections: [
    "Qué significa aquí el aprendizaje socioemocional",
    "Cuánto hemos avanzado",
    "Nuestras metas de este año",
    "Qué preguntamos y qué contamos",
    "Cómo vamos",
    "Quién revisó los resultados con nosotros",
    "Lo que aprendimos y los próximos pasos",
  ],
  checkpoint: { baseline: "Inicio de año", midyear: "Mitad de año", endyear: "Fin de año" },
  term: { fall: "Otoño", winter: "Invierno", spring: "Primavera", year: "Año completo" },
  goalStatus: { not_started: "Sin empezar", on_track: "Bien encaminada", met: "Cumplida", not_met: "No cumplida", no_data: "Aún sin datos", improving: "Mejorando", worsening: "Empeorando", flat: "Sin cambios" },
  decision: { sustain: "Continuar", new_strategies: "Mantener la meta con nuevas estrategias", change_focus: "Cambiar de enfoque", revise: "Revisar la meta" },
  strategyStatus: { planned: "Prevista", in_progress: "En curso", done: "Terminada", blocked: "Detenida" },
  measureSource: { sel_competency: "Encuesta a estudiantes", connectedness: "Encuesta a estudiantes", attendance: "Registros de asistencia", course_failure: "Calificaciones", custom: "Medida del distrito" },
  stakeholder: { students: "Estudiantes", families: "Familias", staff: "Personal", community_partners: "Socios de la comunidad", board: "Consejo escolar" },
  goalKind: { implementation: "Implementación", outcome: "Resultados" },
  goalBlock: {
    label: (kind) => (kind === "implementation" ? "Meta de implementación" : "Meta de resultados"),
    missingLabel: "Meta",
    missingTitle: "Una meta que ya no está en este ciclo",
    unknownStatus: "Estado desconocido",
  },
  focusArea: {
    fa1: "Crear apoyos básicos y planificar",
    fa2: "Fortalecer las competencias y la capacidad socioemocional de los adultos",
    fa3: "Promover el aprendizaje socioemocional de los estudiantes",
    fa4: "Reflexionar sobre los datos para la mejora continua",
  },
  group: {
    "All students": "Todos los estudiantes",
    Female: "Mujeres",
    Male: "Hombres",
    "Non-binary": "No binario",
    "American Indian or Alaska Native": "Indígena americano o nativo de Alaska",
    Asian: "Asiático",
    "Black or African American": "Negro o afroamericano",
    "Hispanic or Latino": "Hispano o latino",
    "Native Hawaiian or Pacific Islander": "Nativo de Hawái o de otras islas del Pacífico",
    White: "Blanco",
    "Two or more races": "Dos o más razas",
    "English learners": "Estudiantes de inglés",
    "Not English learners": "No son estudiantes de inglés",
    "Students with disabilities": "Estudiantes con discapacidad",
    "Students without disabilities": "Estudiantes sin discapacidad",
    "Economically disadvantaged": "Con desventaja económica",
    "Not economically disadvantaged": "Sin desventaja económica",
  },
  decimal: esDecimal,
  list: (items) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} y ${items.at(-1)}`),
  fewerThan: (minN) => `Menos de ${minN} estudiantes`,
  notShown: "No se muestra (grupo pequeño)",
  notScored: "Sin puntuar",
  none: "—",
  asOf: (date) => `Datos a fecha de ${date}`,
  blocks: {
    rubricRollup: {
      title: (place, checkpoint, year) => `Rúbrica de implementación: nivel medio por área de enfoque, ${place}, ${checkpoint.toLowerCase()} ${year}`,
      area: "Área de enfoque",
      average: "Nivel medio (1–4)",
      schoolsScored: "Escuelas evaluadas",
      itemsScored: "Actividades evaluadas",
      summary: ({ scored, total, checkpoint, mean, district }) =>
        district
          ? `${scored} de ${total} escuelas evaluaron la rúbrica en el punto de control de ${checkpoint.toLowerCase()}${mean ? `; el nivel medio de las escuelas fue ${mean} de 4` : ""}.`
          : `Se evaluaron ${scored} de ${total} actividades de la rúbrica en el punto de control de ${checkpoint.toLowerCase()}${mean ? `; el nivel medio fue ${mean} de 4` : ""}.`,
      levels: "Niveles: 1 aún no planificado ni implementado, 2 en parte, 3 en su mayor parte, 4 totalmente planificado e implementado.",
    },
    rubricMovement: {
      title: (place) => `Rúbrica de implementación por curso escolar, ${place}: nivel medio en cada punto de control`,
      year: "Curso escolar",
      summary: (points) => (points.length ? `Nivel medio de la rúbrica en el último punto de control de cada curso: ${points.map((p) => `${p.year} ${p.mean}`).join(", ")}.` : "Aún no hay puntuaciones de la rúbrica."),
    },
    goals: {
      title: (year) => `Metas de ${year} y su situación`,
      goal: "Meta",
      kind: "Tipo",
      target: "Objetivo",
      status: "Situación",
      levelBy: (level, checkpoint) => `Nivel ${level} para ${checkpoint.toLowerCase()}`,
      valueBy: (value) => `Llegar a ${value}`,
      summary: ({ total, met, onTrack }) => `${total} ${total === 1 ? "meta" : "metas"}: ${met} cumplidas, ${onTrack} bien encaminadas o mejorando.`,
      mirrored: "Meta del distrito",
    },
    dataCollected: {
      title: (year) => `Datos recopilados en ${year}`,
      measure: "Medida",
      source: "Fuente",
      terms: "Periodos",
      schools: "Escuelas",
      summary: (measures, schools) => `Se recopilaron ${measures} ${measures === 1 ? "medida" : "medidas"} de ${schools} ${schools === 1 ? "escuela" : "escuelas"}.`,
    },
    outcomes: {
      title: (place, year) => `Resultados de los estudiantes frente a referencias y objetivos, ${place}, ${year}`,
      measure: "Medida",
      term: "Periodo",
      result: "Resultado",
      benchmark: "Referencia",
      target: "Objetivo",
      summary: ({ shown, total, atBenchmark, withBenchmark }) =>
        `Se pueden mostrar ${shown} de ${total} resultados; ${atBenchmark} de los ${withBenchmark} que tienen referencia la igualan o la superan.`,
      direction: "En el absentismo y los suspensos, cuanto más bajo, mejor.",
    },
    outcomeGroups: {
      title: (measure, place, term) => `${measure} por grupo de estudiantes, ${place}, ${term.toLowerCase()}`,
      group: "Grupo de estudiantes",
      result: "Resultado",
      difference: "Diferencia con todos los estudiantes",
      summary: (shown, total) => `Se muestran resultados de ${shown} de ${total} grupos de estudiantes; los demás son demasiado pequeños para mostrarlos.`,
      footnote: (minN) => `No se muestran los grupos de menos de ${minN} estudiantes, ni ningún resultado que permita deducir el de un grupo pequeño.`,
      noMeasure: "Aún no hay resultados de los estudiantes",
    },
    participation: {
      title: (year) => `Reuniones de reflexión en ${year} y quién participó`,
      meeting: "Reunión",
      date: "Fecha",
      checkpoint: "Punto de control",
      people: "Miembros del equipo",
      groups: "Grupos participantes",
      others: "Otras personas que participaron",
      summary: (meetings, people, groups) =>
        `${meetings} ${meetings === 1 ? "reunión" : "reuniones"} de reflexión, con ${people} ${people === 1 ? "miembro" : "miembros"} del equipo${groups.length ? ` y ${groups.join(", ").toLowerCase()}` : ""}.`,
    },
    decisions: {
      title: (year) => `Decisiones sobre cada meta al final de ${year}`,
      goal: "Meta",
      decision: "Decisión",
      why: "Motivo",
      summary: (decided, total) => `${decided} de ${total} metas tienen una decisión.`,
    },
  },
};

export function reportMessages(language: string | null | undefined): ReportMessages {
  return reportLanguage(language) === "es" ? es : en;
}

/** "2026-11-30T…" → "30 November 2026" / "30 de noviembre de 2026", in UTC so the server's zone never shifts a day. */
export function formatReportDate(iso: string, language: string | null | undefined): string {
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  const lang = reportLanguage(language);
  return new Intl.DateTimeFormat(lang === "es" ? "es-ES" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}
