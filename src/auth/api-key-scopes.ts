/**
 * `subscribers:write` adds, changes and unsubscribes subscribers and starts imports; `subscribers:read` reads
 * subscribers, lists and imports. Neither deletes anything nor changes lists: that is for staff (signed-in users).
 */
export const API_KEY_SCOPES = ['transactional:send', 'events:ingest', 'subscribers:read', 'subscribers:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
