import type { CreateProjectInput, Ok, Project, UpdateProjectInput } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import type { Tenant } from '../pipeline/tenant-scope';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../db/created-at-cursor';
import { canDeleteProject, canEditProject } from './project-policy';
import {
  deleteProject,
  findProject,
  insertProject,
  listProjects,
  updateProjectAtVersion,
} from './project-queries';
import { toProject } from './to-project';

/** What every project operation receives: the caller and their tenant transaction. */
export type ProjectContext = Context & { principal: Principal; tenant: Tenant };

const NOT_FOUND = (): AppError => new AppError('NOT_FOUND', { message: 'No such project' });

function caller(ctx: ProjectContext): { userId: string; permissions: Tenant['permissions'] } {
  return { userId: ctx.principal.userId, permissions: ctx.tenant.permissions };
}

export async function createProject(
  ctx: ProjectContext,
  input: CreateProjectInput,
): Promise<Project> {
  const row = await insertProject(ctx.tenant.db, {
    orgId: ctx.tenant.orgId,
    ownerId: ctx.principal.userId,
    name: input.name,
    description: input.description ?? null,
  });
  await ctx.audit.record(ctx.tenant.db, 'project.create', {
    target: { type: 'project', id: row.id },
  });
  return toProject(row);
}

export async function getProject(ctx: ProjectContext, id: string): Promise<Project> {
  const row = await findProject(ctx.tenant.db, ctx.tenant.orgId, id);
  if (!row) throw NOT_FOUND();
  return toProject(row);
}

/** One page of the org's projects, newest first; `nextCursor` is null on the last page. */
export async function listProjectPage(
  ctx: ProjectContext,
  input: { nameContains?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ projects: Project[]; nextCursor: string | null }> {
  const after = input.cursor !== undefined ? decodeCreatedAtCursor(input.cursor) : undefined;
  const rows = await listProjects(ctx.tenant.db, {
    orgId: ctx.tenant.orgId,
    nameContains: input.nameContains,
    after,
    limit: input.limit,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    projects: page.map(toProject),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCreatedAtCursor({ createdAt: last.created_at_exact, id: last.id })
        : null,
  };
}

/**
 * Updates name/description at the version the caller read. The resource
 * policy runs on the loaded row; a stale version answers CONFLICT and
 * changes nothing.
 */
export async function updateProject(
  ctx: ProjectContext,
  input: UpdateProjectInput,
): Promise<Project> {
  const { db, orgId } = ctx.tenant;
  const current = await findProject(db, orgId, input.id);
  if (!current) throw NOT_FOUND();
  if (!canEditProject(caller(ctx), current))
    throw new AppError('FORBIDDEN', { message: 'You may only edit your own projects' });
  const updated = await updateProjectAtVersion(db, orgId, input.id, input.version, input.patch);
  if (!updated)
    throw new AppError('CONFLICT', {
      message: `The project changed since version ${input.version}; reload it and retry`,
    });
  await ctx.audit.record(db, 'project.update', {
    target: { type: 'project', id: updated.id },
    details: { version: updated.version },
  });
  return toProject(updated);
}

export async function removeProject(ctx: ProjectContext, id: string): Promise<Ok> {
  const { db, orgId } = ctx.tenant;
  const current = await findProject(db, orgId, id);
  if (!current) throw NOT_FOUND();
  if (!canDeleteProject(caller(ctx), current))
    throw new AppError('FORBIDDEN', { message: 'You may only delete your own projects' });
  await deleteProject(db, orgId, id);
  await ctx.audit.record(db, 'project.delete', { target: { type: 'project', id } });
  return { ok: true };
}
