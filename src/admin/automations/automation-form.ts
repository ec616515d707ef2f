import { formArray } from '../admin-form';
import type { AutomationView } from '../../automations/automation.view';
import type { CreateAutomationDto } from '../../automations/dto/automation.dto';

/** Blank step rows the editor offers below the existing ones (a row left without a subject is no step). */
export const BLANK_STEPS = 2;

/** One step row of the editor's form, as shown (strings, as typed). */
export interface StepRow {
  n: number;
  delayHours: string;
  subject: string;
  templateId: string;
  mjml: string;
  sunsetAfterHours: string;
  source: 'template' | 'mjml';
}

/** What the editor's form holds, as shown again after an error (strings, as typed). */
export interface AutomationForm {
  name: string;
  event: string;
  listIds: string[];
  days: string;
  steps: StepRow[];
}

type Body = Record<string, unknown>;

/**
 * The form's fields: name, event, listIds (checkboxes), days; then per step row, in order, the repeated fields
 * stepDelay, stepSubject, stepSource (template | mjml), stepTemplate, stepMjml, stepSunset. Every row has every
 * field (empty when blank), so the arrays line up.
 */
export function formOf(body: Body): AutomationForm {
  const raw = (k: string): string[] => {
    const v = body[k];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : ''));
  };
  const delays = raw('stepDelay');
  const subjects = raw('stepSubject');
  const sources = raw('stepSource');
  const templates = raw('stepTemplate');
  const mjmls = raw('stepMjml');
  const sunsets = raw('stepSunset');
  const steps: StepRow[] = subjects.map((subject, i) => ({
    n: i + 1,
    delayHours: delays[i] ?? '',
    subject,
    templateId: templates[i] ?? '',
    mjml: mjmls[i] ?? '',
    sunsetAfterHours: sunsets[i] ?? '',
    source: sources[i] === 'template' ? 'template' : 'mjml',
  }));
  return {
    name: str(body.name),
    event: str(body.event),
    listIds: formArray(body.listIds),
    days: str(body.days),
    steps,
  };
}

/** The API body the form stands for; rows without a subject are left out. A number field left empty is absent. */
export function dtoOf(form: AutomationForm): CreateAutomationDto {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  return {
    name: form.name,
    trigger: {
      event: form.event as CreateAutomationDto['trigger']['event'],
      listIds: form.listIds,
      ...(form.event === 'inactive' ? { days: num(form.days) } : {}),
    },
    steps: form.steps
      .filter((s) => s.subject.trim() !== '')
      .map((s) => ({
        delayHours: num(s.delayHours) ?? 0,
        subject: s.subject,
        ...(s.source === 'template' ? { templateId: s.templateId || undefined } : { mjml: s.mjml || undefined }),
        ...(num(s.sunsetAfterHours) !== undefined ? { sunsetAfterHours: num(s.sunsetAfterHours) } : {}),
      })),
  };
}

/** The form of a saved automation, with blank rows to add steps. */
export function formOfView(a: AutomationView | null, starterMjml: string): AutomationForm {
  const steps: StepRow[] = (a?.steps ?? []).map((s, i) => ({
    n: i + 1,
    delayHours: String(s.delayHours),
    subject: s.subject,
    templateId: s.templateId ?? '',
    mjml: s.mjml ?? '',
    sunsetAfterHours: s.sunsetAfterHours === null ? '' : String(s.sunsetAfterHours),
    source: s.templateId ? 'template' : 'mjml',
  }));
  return {
    name: a?.name ?? '',
    event: a?.trigger.event ?? 'subscription.confirmed',
    listIds: a?.listIds ?? [],
    days: a?.trigger.days === undefined ? '' : String(a.trigger.days),
    steps: withBlankRows(steps, starterMjml),
  };
}

/** Adds the blank rows after the given ones (numbered on). */
export function withBlankRows(steps: StepRow[], starterMjml: string): StepRow[] {
  const filled = steps.filter((s) => s.subject.trim() !== '' || s.mjml.trim() !== '');
  const blanks = Array.from({ length: BLANK_STEPS }, (_, i) => ({
    n: filled.length + i + 1,
    delayHours: filled.length + i === 0 ? '0' : '24',
    subject: '',
    templateId: '',
    mjml: starterMjml,
    sunsetAfterHours: '',
    source: 'mjml' as const,
  }));
  return [...filled.map((s, i) => ({ ...s, n: i + 1 })), ...blanks];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
