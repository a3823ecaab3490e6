// Forms about people: sign-in, first run, invites, roles.
import { z } from "zod";
import { roles } from "./permissions";
import { nameText } from "~/utils/text";

const email = z
  .string({ error: "Enter an email address." })
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter an email address like name@school.org." }))
  .transform((v) => v.toLowerCase());

export const newPassword = z
  .string({ error: "Choose a password." })
  .min(12, "Use at least 12 characters.")
  .max(200, "Use at most 200 characters.");

const personName = nameText(
  z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(120, "Use at most 120 characters."),
);

export const signInSchema = z.object({
  email,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(200, "That password is too long."),
  redirectTo: z.string().optional(),
});

export const slugSchema = z
  .string({ error: "Choose a short web name." })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "Use 1–40 lowercase letters, digits and hyphens, not starting or ending with a hyphen.");

export const districtNameSchema = nameText(
  z
    .string({ error: "Enter the district's name." })
    .trim()
    .min(3, "Use at least 3 characters.")
    .max(160, "Use at most 160 characters."),
);

export const firstRunSchema = z
  .object({
    districtName: districtNameSchema,
    districtSlug: slugSchema,
    name: personName,
    email,
    password: newPassword,
    confirmPassword: z.string({ error: "Repeat the password." }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });

const roleSchema = z.enum(roles, { error: "Choose a role." });

const schoolIds = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.uuid({ error: "Choose schools from the list." })).max(200),
);

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

function schoolTeamNeedsSchool<T extends { role: string; schoolIds: string[] }>(v: T, ctx: z.RefinementCtx) {
  if (v.role === "school_team" && v.schoolIds.length === 0) {
    ctx.addIssue({ code: "custom", path: ["schoolIds"], message: "A school team member needs at least one school." });
  }
}

export const inviteSchema = z
  .object({ name: personName, email, role: roleSchema, schoolIds, studentRecords: checkbox })
  .superRefine(schoolTeamNeedsSchool);

export const updatePersonSchema = z
  .object({ name: personName, role: roleSchema, schoolIds, studentRecords: checkbox })
  .superRefine(schoolTeamNeedsSchool);

export const acceptInviteSchema = z
  .object({ password: newPassword, confirmPassword: z.string({ error: "Repeat the password." }) })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password."),
    password: newPassword,
    confirmPassword: z.string({ error: "Repeat the password." }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });

export type InviteInput = z.infer<typeof inviteSchema>;
export type UpdatePersonInput = z.infer<typeof updatePersonSchema>;
