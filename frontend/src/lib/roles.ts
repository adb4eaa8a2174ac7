import type { Role } from '../api/types';

/** Every role, most privileged first (the order of the role pickers). */
export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** One-line explanation of each role, shown next to role pickers. */
export const ROLE_DESCRIPTIONS: { readonly [R in Role]: string } = {
  admin: 'Everything, including managing users',
  editor: 'Can change files and settings, but not users',
  viewer: 'Can watch and browse, but not change anything',
};

/** Roles that may change files (upload, new folder, rename, move, copy, delete, trash); viewers only read. */
export const FILE_WRITERS: readonly Role[] = ['admin', 'editor'];

/** Roles that may enrol, rename, merge and delete faces; viewers only see them. */
export const FACE_EDITORS: readonly Role[] = ['admin', 'editor'];
