export const TEMPLATE_KINDS = ['campaign', 'transactional'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
