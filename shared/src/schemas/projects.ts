import { z } from 'zod';
import { IsoDate } from './common';

const ProjectName = z.string().trim().min(1).max(200);
const Description = z.string().trim().max(5000);

export const ProjectRef = z.strictObject({ orgId: z.uuid(), id: z.uuid() });

export const CreateProjectInput = z.strictObject({
  orgId: z.uuid(),
  name: ProjectName,
  description: Description.optional(),
});
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

/**
 * Only `name` and `description` can change: the patch is strict, so
 * `ownerId`, `orgId`, `role` or `version` inside it are refused (mass assignment).
 */
export const UpdateProjectInput = z.strictObject({
  orgId: z.uuid(),
  id: z.uuid(),
  /** The version read; a stale one answers CONFLICT and changes nothing. */
  version: z.number().int().positive(),
  patch: z.strictObject({
    name: ProjectName.optional(),
    description: Description.nullable().optional(),
  }),
});
export type UpdateProjectInput = z.infer<typeof UpdateProjectInput>;

export const ListProjectsInput = z.strictObject({
  orgId: z.uuid(),
  /** Case-insensitive substring of the name (matched literally). */
  nameContains: z.string().trim().min(1).max(200).optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/)
    .optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type ListProjectsInput = z.input<typeof ListProjectsInput>;

export const Project = z.strictObject({
  id: z.uuid(),
  orgId: z.uuid(),
  ownerId: z.uuid().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Project = z.infer<typeof Project>;

export const ProjectPage = z.strictObject({
  projects: z.array(Project),
  nextCursor: z.string().nullable(),
});
