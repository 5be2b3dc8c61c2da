import {
  CreateProjectInput,
  ListProjectsInput,
  Ok,
  Project,
  ProjectPage,
  ProjectRef,
  UpdateProjectInput,
} from '@gatehouse/shared';
import { orgProcedure } from '../pipeline/org-procedure';
import { router } from '../pipeline/trpc';
import {
  createProject,
  getProject,
  listProjectPage,
  removeProject,
  updateProject,
} from './project-service';

/**
 * Projects: the example resource module. Org-scoped (viewers read, members
 * create and edit their own, org admins and owners edit all); every query
 * runs in the caller's tenant transaction under row-level security.
 */
export const projectsRouter = router({
  create: orgProcedure
    .meta({ permission: 'project:write', summary: 'Create a project in an organization' })
    .input(CreateProjectInput)
    .output(Project)
    .mutation(({ ctx, input }) => createProject(ctx, input)),
  get: orgProcedure
    .meta({ permission: 'project:read', summary: 'One project' })
    .input(ProjectRef)
    .output(Project)
    .query(({ ctx, input }) => getProject(ctx, input.id)),
  list: orgProcedure
    .meta({
      permission: 'project:read',
      summary: 'Projects, newest first, filtered by name; cursor-paginated',
    })
    .input(ListProjectsInput)
    .output(ProjectPage)
    .query(({ ctx, input }) => listProjectPage(ctx, input)),
  update: orgProcedure
    .meta({
      permission: 'project:write',
      summary: 'Rename or describe a project at a known version (CONFLICT when stale)',
    })
    .input(UpdateProjectInput)
    .output(Project)
    .mutation(({ ctx, input }) => updateProject(ctx, input)),
  delete: orgProcedure
    .meta({
      permission: 'project:write',
      summary: 'Delete a project (your own, or any as an org admin)',
    })
    .input(ProjectRef)
    .output(Ok)
    .mutation(({ ctx, input }) => removeProject(ctx, input.id)),
});
