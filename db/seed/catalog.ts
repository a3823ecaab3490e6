// The shared catalog every district starts from: CASEL's structure of four focus areas with four key
// activities each, a default rubric, and the outcome measures goals can name. Written in our own words.
export type Phase = "organize" | "implement" | "improve";

export interface CatalogActivity {
  id: string;
  name: string;
  summary: string;
  /** Descriptors for levels 1–4 of the default rubric item. */
  levels: [string, string, string, string];
}

export interface CatalogFocusArea {
  id: string;
  name: string;
  summary: string;
  phase: Phase;
  activities: CatalogActivity[];
}

const levels = (subject: string, partly: string, mostly: string, fully: string): [string, string, string, string] => [
  `Not yet planned or implemented: ${subject}`,
  `Partially planned and implemented: ${partly}`,
  `Mostly planned and implemented: ${mostly}`,
  `Fully planned and implemented: ${fully}`,
];

export const focusAreaCatalog: CatalogFocusArea[] = [
  {
    id: "fa1",
    name: "Build foundational support and plan",
    summary: "Set up the people, shared direction, messages and money that let SEL last beyond one year.",
    phase: "organize",
    activities: [
      {
        id: "fa1.vision",
        name: "Shared vision and plan",
        summary: "Stakeholders agree on why SEL matters here and write down a multi-year plan to get there.",
        levels: levels(
          "there is no agreed vision for SEL and no written plan.",
          "a vision exists on paper, but few stakeholders shaped it or know it; the plan covers this year only.",
          "most stakeholders helped shape the vision and a multi-year plan guides decisions, with some gaps.",
          "the vision is widely owned, the plan sets multi-year priorities, and leaders refer to both when they decide.",
        ),
      },
      {
        id: "fa1.communication",
        name: "Communication",
        summary: "Staff, families, students and partners hear a steady, clear story about SEL and how to take part.",
        levels: levels(
          "SEL is rarely mentioned to staff, families or partners.",
          "some messages go out, mostly one way and to some audiences.",
          "regular messages reach most audiences and invite some two-way conversation.",
          "a communication plan reaches every audience in their languages, and what people say back shapes the work.",
        ),
      },
      {
        id: "fa1.structure",
        name: "Organisational structure",
        summary: "A team with clear roles and time leads SEL and connects it to the rest of the system.",
        levels: levels(
          "nobody is responsible for SEL.",
          "a team exists, but roles, meeting time or authority are unclear.",
          "a standing team with defined roles meets regularly and links to most departments.",
          "the team has the roles, time and authority it needs and is built into how the district runs.",
        ),
      },
      {
        id: "fa1.resources",
        name: "Aligned resources",
        summary: "Budget, staff time and outside funding are lined up behind the SEL plan for the long term.",
        levels: levels(
          "no money or time is set aside for SEL.",
          "some funding exists, mostly short-term or from a single source.",
          "the budget supports most of the plan and funding sources are being diversified.",
          "SEL is a lasting line in the budget, drawing on several sources, reviewed against the plan every year.",
        ),
      },
    ],
  },
  {
    id: "fa2",
    name: "Strengthen adult SEL competencies and capacity",
    summary: "Grow the skills, learning and relationships of the adults who make SEL real for students.",
    phase: "implement",
    activities: [
      {
        id: "fa2.central",
        name: "Central office expertise",
        summary: "Central office staff understand SEL and use that knowledge to support schools.",
        levels: levels(
          "central office staff have little shared understanding of SEL.",
          "a few central office staff have SEL expertise; others are starting to learn.",
          "most departments understand how SEL connects to their work and support schools with it.",
          "every department applies SEL expertise in its own work and in how it serves schools.",
        ),
      },
      {
        id: "fa2.learning",
        name: "Professional learning",
        summary: "Staff keep learning how to teach and model SEL, with coaching and time to practise.",
        levels: levels(
          "there is no professional learning about SEL.",
          "occasional one-off sessions reach some staff.",
          "a sequence of learning with some coaching reaches most staff.",
          "ongoing, job-embedded learning and coaching reach all staff and adapt to what data shows they need.",
        ),
      },
      {
        id: "fa2.adult",
        name: "Adult SEL and cultural competence",
        summary: "Adults build their own social and emotional skills and reflect on identity, bias and culture.",
        levels: levels(
          "adults' own SEL and cultural competence are not addressed.",
          "some adults take part in activities for their own SEL or equity reflection.",
          "most adults have regular chances to build their own SEL and reflect on bias and culture.",
          "adult SEL and cultural competence are part of everyday practice, supported by leaders and structures.",
        ),
      },
      {
        id: "fa2.trust",
        name: "Staff trust and community",
        summary: "Staff feel safe, trusted and connected, and build a professional community together.",
        levels: levels(
          "trust and community among staff are not a focus.",
          "some teams work on trust, unevenly across schools.",
          "most staff report trusting relationships and take part in community-building routines.",
          "trust and collaboration are strong everywhere and are checked and renewed on purpose.",
        ),
      },
    ],
  },
  {
    id: "fa3",
    name: "Promote SEL for students",
    summary: "Give every student evidence-based SEL in class, across the school day, at home and in the community.",
    phase: "implement",
    activities: [
      {
        id: "fa3.standards",
        name: "SEL standards",
        summary: "Clear, developmentally appropriate goals describe what students learn in SEL at each grade.",
        levels: levels(
          "there are no SEL learning goals.",
          "goals are being drafted or exist for some grades.",
          "goals cover all grades and are known by most staff.",
          "goals cover all grades, shape teaching and assessment, and families know them.",
        ),
      },
      {
        id: "fa3.programs",
        name: "Evidence-based programs and practices",
        summary: "Schools choose and use SEL programs and practices with evidence that they work.",
        levels: levels(
          "no evidence-based program or practice is in use.",
          "some schools or classrooms use evidence-based approaches, unevenly.",
          "most schools use an evidence-based program as designed, with some monitoring.",
          "every school uses evidence-based programs and practices well, and monitors how faithfully they are used.",
        ),
      },
      {
        id: "fa3.partnerships",
        name: "Family and community partnerships",
        summary: "Families and community partners take part in SEL as co-designers, not only as audiences.",
        levels: levels(
          "families and partners are not involved in SEL.",
          "families receive information and a few partners offer activities.",
          "families and partners take part regularly and some help make decisions.",
          "families and partners co-design and co-lead SEL, and out-of-school time builds on it.",
        ),
      },
      {
        id: "fa3.integration",
        name: "Integration with academics and discipline",
        summary: "SEL is woven into academic teaching, school climate and supportive, fair discipline.",
        levels: levels(
          "SEL stands apart from academics and discipline.",
          "some teachers connect SEL to academics; discipline policies are under review.",
          "SEL is connected to most academic instruction and discipline is mostly restorative.",
          "SEL runs through instruction, climate and discipline policy, and disparities in discipline are tracked and acted on.",
        ),
      },
    ],
  },
  {
    id: "fa4",
    name: "Reflect on data for continuous improvement",
    summary: "Use implementation and outcome data to learn, decide and improve, and share what was learned.",
    phase: "improve",
    activities: [
      {
        id: "fa4.plan",
        name: "Plan for continuous improvement",
        summary: "A plan says what data will be collected, when, by whom, and how it will be used.",
        levels: levels(
          "there is no plan for collecting or using data on SEL.",
          "some data is collected, without a plan for how it will be used.",
          "a plan sets out most of what is collected and when the team reviews it.",
          "a complete plan guides collection, review and decisions, and is itself improved each year.",
        ),
      },
      {
        id: "fa4.document",
        name: "Document implementation and outcomes",
        summary: "The team keeps track of what was done and what changed for students and adults.",
        levels: levels(
          "implementation and outcomes are not recorded.",
          "some activities or results are recorded, inconsistently.",
          "most implementation and outcome data is recorded regularly.",
          "implementation and outcomes are recorded systematically for every school and student group.",
        ),
      },
      {
        id: "fa4.reflect",
        name: "Reflect on data",
        summary: "Teams meet to make sense of data together, including differences between student groups.",
        levels: levels(
          "the team does not look at SEL data together.",
          "data is looked at occasionally, by a few people.",
          "regular data reflection includes most stakeholders and looks at differences between groups.",
          "structured reflection with stakeholders happens at every checkpoint and leads to clear decisions.",
        ),
      },
      {
        id: "fa4.share",
        name: "Share a data-informed action plan",
        summary: "What was learned becomes a revised plan that is shared with the community.",
        levels: levels(
          "findings and plans are not shared.",
          "findings are shared with a few groups without a revised plan.",
          "a revised plan based on data is shared with most stakeholders.",
          "a data-informed plan is shared publicly each year, in accessible forms, and stakeholders can respond.",
        ),
      },
    ],
  },
];

export interface CatalogMeasure {
  slug: string;
  name: string;
  description: string;
  unit: "percent" | "mean";
  direction: "higher_is_better" | "lower_is_better";
  scaleMin: number;
  scaleMax: number;
  category: "sel_competency" | "connectedness" | "attendance" | "course_failure" | "custom";
  /** Ties a competency's mean score and its % favourable together. */
  competency: string | null;
}

/** A survey competency reported two ways: the share of students answering favourably and the mean score (1–5). */
function competency(slug: string, name: string, about: string): CatalogMeasure[] {
  return [
    {
      slug: `sel-${slug}-favourable`,
      name: `${name} (% favourable)`,
      description: `Students who answer favourably on ${about} survey items.`,
      unit: "percent",
      direction: "higher_is_better",
      scaleMin: 0,
      scaleMax: 100,
      category: "sel_competency",
      competency: slug,
    },
    {
      slug: `sel-${slug}-mean`,
      name: `${name} (mean score)`,
      description: `The average of students' answers on ${about} survey items, from 1 (least) to 5 (most).`,
      unit: "mean",
      direction: "higher_is_better",
      scaleMin: 1,
      scaleMax: 5,
      category: "sel_competency",
      competency: slug,
    },
  ];
}

export const measureCatalog: CatalogMeasure[] = [
  ...competency("growth-mindset", "Growth mindset", "growth-mindset"),
  ...competency("self-efficacy", "Self-efficacy", "self-efficacy"),
  ...competency("self-management", "Self-management", "self-management"),
  ...competency("social-awareness", "Social awareness", "social-awareness"),
  { slug: "connectedness-favourable", name: "Connectedness: an adult at school cares (% agree)", description: "Students who agree that at least one adult at school cares about them.", unit: "percent", direction: "higher_is_better", scaleMin: 0, scaleMax: 100, category: "connectedness", competency: null },
  { slug: "chronic-absenteeism-rate", name: "Chronic absenteeism rate (%)", description: "Students missing 10% or more of the days they were enrolled.", unit: "percent", direction: "lower_is_better", scaleMin: 0, scaleMax: 100, category: "attendance", competency: null },
  { slug: "course-failure-rate", name: "Students failing one or more courses (%)", description: "Students with at least one failing course grade in the term.", unit: "percent", direction: "lower_is_better", scaleMin: 0, scaleMax: 100, category: "course_failure", competency: null },
];

export interface CatalogStudentGroup {
  slug: string;
  name: string;
  category: "all" | "gender" | "race_ethnicity" | "english_learner" | "disability" | "economic";
}

/**
 * The groups results are commonly reported by. Within a category (other than "all") the groups are meant to add
 * up to all students, which is what complementary suppression relies on; a district adds its own as "custom".
 */
export const studentGroupCatalog: CatalogStudentGroup[] = [
  { slug: "all", name: "All students", category: "all" },
  { slug: "female", name: "Female", category: "gender" },
  { slug: "male", name: "Male", category: "gender" },
  { slug: "nonbinary", name: "Non-binary", category: "gender" },
  { slug: "american-indian-alaska-native", name: "American Indian or Alaska Native", category: "race_ethnicity" },
  { slug: "asian", name: "Asian", category: "race_ethnicity" },
  { slug: "black", name: "Black or African American", category: "race_ethnicity" },
  { slug: "hispanic-latino", name: "Hispanic or Latino", category: "race_ethnicity" },
  { slug: "native-hawaiian-pacific-islander", name: "Native Hawaiian or Pacific Islander", category: "race_ethnicity" },
  { slug: "white", name: "White", category: "race_ethnicity" },
  { slug: "multiracial", name: "Two or more races", category: "race_ethnicity" },
  { slug: "english-learners", name: "English learners", category: "english_learner" },
  { slug: "not-english-learners", name: "Not English learners", category: "english_learner" },
  { slug: "students-with-disabilities", name: "Students with disabilities", category: "disability" },
  { slug: "students-without-disabilities", name: "Students without disabilities", category: "disability" },
  { slug: "economically-disadvantaged", name: "Economically disadvantaged", category: "economic" },
  { slug: "not-economically-disadvantaged", name: "Not economically disadvantaged", category: "economic" },
];
