import { ORG_ROLES, type OrgRole } from '@gatehouse/shared';
import { describe, expect, it } from 'vitest';
import {
  departureRefusal,
  invitationRefusal,
  removalRefusal,
  roleChangeRefusal,
} from '../../src/orgs/member-policy';
import { ORG_ROLE_PERMISSIONS, roleAtMost } from '../../src/orgs/org-roles';

describe('org role table', () => {
  it('each role holds every permission of the roles below it', () => {
    for (const lower of ORG_ROLES) {
      for (const higher of ORG_ROLES.filter((r) => roleAtMost(lower, r))) {
        expect(
          [...ORG_ROLE_PERMISSIONS[lower]].filter((p) => !ORG_ROLE_PERMISSIONS[higher].has(p)),
        ).toEqual([]);
      }
    }
  });

  it('viewers only read; members also write their own; only admins and owners manage', () => {
    // Exactly these, plus the `<resource>:read` of each generated resource: nothing but reads.
    const viewer = [...ORG_ROLE_PERMISSIONS.viewer];
    expect(viewer).toEqual(expect.arrayContaining(['member:read', 'org:read', 'project:read']));
    expect(viewer.filter((p) => !p.endsWith(':read'))).toEqual([]);
    expect(ORG_ROLE_PERMISSIONS.member.has('project:write')).toBe(true);
    for (const p of [
      'project:write:any',
      'project:delete',
      'member:manage',
      'org:manage',
    ] as const) {
      expect(ORG_ROLE_PERMISSIONS.member.has(p)).toBe(false);
      expect(ORG_ROLE_PERMISSIONS.admin.has(p)).toBe(true);
    }
  });
});

describe('member policy', () => {
  const managers: OrgRole[] = ['admin', 'owner'];

  it('only roles with member:manage invite, change roles or remove', () => {
    for (const actor of ['viewer', 'member'] as const) {
      expect(invitationRefusal(actor, 'viewer')).toBe('FORBIDDEN');
      expect(roleChangeRefusal(actor, 'viewer', 'viewer', 2)).toBe('FORBIDDEN');
      expect(removalRefusal(actor, 'viewer', 2)).toBe('FORBIDDEN');
    }
  });

  it('nobody grants or manages a role above their own', () => {
    expect(invitationRefusal('admin', 'owner')).toBe('ROLE_TOO_HIGH');
    expect(invitationRefusal('admin', 'admin')).toBeNull();
    expect(roleChangeRefusal('admin', 'member', 'owner', 2)).toBe('ROLE_TOO_HIGH');
    expect(roleChangeRefusal('admin', 'owner', 'member', 2)).toBe('ROLE_TOO_HIGH');
    expect(roleChangeRefusal('admin', 'member', 'admin', 1)).toBeNull();
    expect(removalRefusal('admin', 'owner', 2)).toBe('ROLE_TOO_HIGH');
    expect(removalRefusal('admin', 'admin', 1)).toBeNull();
    for (const actor of managers)
      for (const role of ORG_ROLES)
        expect(invitationRefusal(actor, role) === null).toBe(roleAtMost(role, actor));
  });

  it('the last owner can be neither demoted, removed nor leave; with two owners each can', () => {
    expect(roleChangeRefusal('owner', 'owner', 'admin', 1)).toBe('LAST_OWNER');
    expect(removalRefusal('owner', 'owner', 1)).toBe('LAST_OWNER');
    expect(departureRefusal('owner', 1)).toBe('LAST_OWNER');
    expect(roleChangeRefusal('owner', 'owner', 'owner', 1)).toBeNull();
    expect(roleChangeRefusal('owner', 'owner', 'admin', 2)).toBeNull();
    expect(removalRefusal('owner', 'owner', 2)).toBeNull();
    expect(departureRefusal('owner', 2)).toBeNull();
    for (const role of ['admin', 'member', 'viewer'] as const)
      expect(departureRefusal(role, 1)).toBeNull();
  });
});
