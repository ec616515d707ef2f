import type { Automation, AutomationEvent, AutomationStatus } from './automation.repository';

/** An automation as the API answers it. */
export interface AutomationView {
  id: string;
  name: string;
  trigger: { event: AutomationEvent; listIds: string[]; days?: number };
  listIds: string[];
  steps: {
    delayHours: number;
    subject: string;
    templateId: string | null;
    mjml: string | null;
    sunsetAfterHours: number | null;
  }[];
  status: AutomationStatus;
  createdAt: Date;
  updatedAt: Date;
}

export function toAutomationView(a: Automation): AutomationView {
  return {
    id: a.id,
    name: a.name,
    trigger: {
      event: a.triggerEvent,
      listIds: a.listIds,
      ...(a.triggerDays !== null && a.triggerDays !== undefined ? { days: Number(a.triggerDays) } : {}),
    },
    listIds: a.listIds,
    steps: a.steps.map((s) => ({
      delayHours: s.delayHours,
      subject: s.subject,
      templateId: s.templateId,
      mjml: s.mjml,
      sunsetAfterHours: s.sunsetAfterHours,
    })),
    status: a.status,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
