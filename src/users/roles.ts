/** What a user may do: admins everything, editors change content, viewers read. */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
