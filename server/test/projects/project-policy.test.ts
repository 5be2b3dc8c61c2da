import type { Permission } from '@gatehouse/shared';
import { describe, expect, it } from 'vitest';
import { ORG_ROLE_PERMISSIONS } from '../../src/orgs/org-roles';
import { canDeleteProject, canEditProject } from '../../src/projects/project-policy';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const as = (permissions: ReadonlySet<Permission>) => ({ userId: ME, permissions });

describe('project policy', () => {
  it('viewers edit and delete nothing, not even a project recorded as theirs', () => {
    for (const owner of [ME, OTHER, null]) {
      expect(canEditProject(as(ORG_ROLE_PERMISSIONS.viewer), { owner_id: owner })).toBe(false);
      expect(canDeleteProject(as(ORG_ROLE_PERMISSIONS.viewer), { owner_id: owner })).toBe(false);
    }
  });

  it('members edit and delete their own projects only', () => {
    expect(canEditProject(as(ORG_ROLE_PERMISSIONS.member), { owner_id: ME })).toBe(true);
    expect(canDeleteProject(as(ORG_ROLE_PERMISSIONS.member), { owner_id: ME })).toBe(true);
    for (const owner of [OTHER, null]) {
      expect(canEditProject(as(ORG_ROLE_PERMISSIONS.member), { owner_id: owner })).toBe(false);
      expect(canDeleteProject(as(ORG_ROLE_PERMISSIONS.member), { owner_id: owner })).toBe(false);
    }
  });

  it('admins and owners edit and delete every project, ownerless ones included', () => {
    for (const role of ['admin', 'owner'] as const) {
      for (const owner of [ME, OTHER, null]) {
        expect(canEditProject(as(ORG_ROLE_PERMISSIONS[role]), { owner_id: owner })).toBe(true);
        expect(canDeleteProject(as(ORG_ROLE_PERMISSIONS[role]), { owner_id: owner })).toBe(true);
      }
    }
  });

  it('a project:read key cannot edit even as an owner (permissions intersect)', () => {
    const scoped = new Set([...ORG_ROLE_PERMISSIONS.owner].filter((p) => p === 'project:read'));
    expect(canEditProject(as(scoped), { owner_id: ME })).toBe(false);
    expect(canDeleteProject(as(scoped), { owner_id: ME })).toBe(false);
  });
});
