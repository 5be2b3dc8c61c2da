import type { Project } from '@gatehouse/shared';
import type { ProjectRow } from './project-queries';

/** The project as callers see it (the output schema is the allow-list). */
export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    orgId: row.org_id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    version: row.version,
    createdAt: row.created_iso,
    updatedAt: row.updated_iso,
  };
}
