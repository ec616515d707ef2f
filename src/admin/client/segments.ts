// The segment rule builder (views/segments/edit.hbs): one row per rule with a field, an operator and a value
// control that fits them; the rules are kept as JSON in the hidden `rules` field the form posts, and the count of
// matching people (with the newest of them) follows every change after a short pause.

interface RuleJson {
  field: string;
  op: string;
  value?: unknown;
}

interface ListChoice {
  id: string;
  name: string;
}

type ValueKind = 'none' | 'text' | 'number' | 'days' | 'date' | 'boolean' | 'list';

const FIELDS: [string, string][] = [
  ['email', 'Email'],
  ['name', 'Name'],
  ['attribute', 'Attribute'],
  ['list', 'List'],
  ['createdAt', 'Signed up'],
  ['opened', 'Opened a campaign'],
  ['clicked', 'Clicked in a campaign'],
  ['ordered.count', 'Number of orders'],
  ['ordered.total', 'Total spent'],
  ['ordered.last', 'Last order'],
  ['ordered.product', 'Bought a product'],
];

const TEXT_OPS: [string, string][] = [
  ['eq', 'is'],
  ['neq', 'is not'],
  ['contains', 'contains'],
  ['startsWith', 'starts with'],
  ['exists', 'is set'],
];
const NUMBER_OPS: [string, string][] = [
  ['gte', 'at least'],
  ['gt', 'more than'],
  ['lte', 'at most'],
  ['lt', 'less than'],
  ['eq', 'exactly'],
  ['neq', 'not'],
];
const DATE_OPS: [string, string][] = [
  ['before', 'before'],
  ['after', 'after'],
  ['within', 'in the last (days)'],
];

function opsOf(field: string): [string, string][] {
  switch (field) {
    case 'email':
    case 'name':
      return TEXT_OPS;
    case 'attribute':
      return [
        ...TEXT_OPS,
        ...NUMBER_OPS.filter(([op]) => !['eq', 'neq'].includes(op)),
        ...DATE_OPS,
        ['is', 'is true/false'],
      ];
    case 'list':
      return [
        ['member', 'is on'],
        ['notMember', 'is not on'],
      ];
    case 'createdAt':
      return DATE_OPS;
    case 'opened':
    case 'clicked':
      return [
        ['within', 'in the last (days)'],
        ['notWithin', 'not in the last (days)'],
        ['ever', 'ever'],
        ['never', 'never'],
      ];
    case 'ordered.count':
    case 'ordered.total':
      return NUMBER_OPS;
    case 'ordered.last':
      return [...DATE_OPS, ['never', 'never ordered']];
    default:
      return [
        ['eq', 'named'],
        ['contains', 'name contains'],
      ];
  }
}

function valueKindOf(field: string, op: string): ValueKind {
  if (['exists', 'ever', 'never'].includes(op)) return 'none';
  if (op === 'is') return 'boolean';
  if (field === 'list') return 'list';
  if (op === 'within' || op === 'notWithin') return 'days';
  if (op === 'before' || op === 'after') return 'date';
  if (['gt', 'gte', 'lt', 'lte'].includes(op) || field === 'ordered.count' || field === 'ordered.total')
    return 'number';
  return 'text';
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  o.selected = selected;
  return o;
}

function select(label: string, choices: [string, string][], chosen: string, role: string): HTMLSelectElement {
  const s = document.createElement('select');
  s.setAttribute('aria-label', label);
  s.dataset.role = role;
  for (const [value, text] of choices) s.append(option(value, text, value === chosen));
  if (!choices.some(([v]) => v === chosen) && choices.length) s.value = choices[0][0];
  return s;
}

function input(label: string, type: string, value: string, role: string): HTMLInputElement {
  const i = document.createElement('input');
  i.type = type;
  i.value = value;
  i.setAttribute('aria-label', label);
  i.dataset.role = role;
  if (type === 'number') i.step = 'any';
  return i;
}

/** A stored rule as the row's controls: field (attribute key apart), operator and value. */
function rowStateOf(rule: RuleJson): { field: string; key: string; op: string; value: unknown } {
  const attribute = rule.field.startsWith('attributes.');
  const field = attribute ? 'attribute' : rule.field === 'ordered' ? 'ordered.count' : rule.field;
  return { field, key: attribute ? rule.field.slice('attributes.'.length) : '', op: rule.op, value: rule.value };
}

class RuleRow {
  readonly element = document.createElement('li');

  constructor(
    private readonly lists: ListChoice[],
    private readonly readOnly: boolean,
    private readonly changed: () => void,
    state: { field: string; key: string; op: string; value: unknown },
  ) {
    this.element.className = 'segment-rule';
    this.render(state);
  }

  private get number(): number {
    return [...(this.element.parentElement?.children ?? [])].indexOf(this.element) + 1;
  }

  private control(role: string): HTMLInputElement | HTMLSelectElement | null {
    return this.element.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-role="${role}"]`);
  }

  /** Builds the row's controls for this state; a field or operator change builds them again. */
  render(state: { field: string; key: string; op: string; value: unknown }): void {
    const n = this.number || (this.element.parentElement ? 0 : document.querySelectorAll('.segment-rule').length + 1);
    this.element.replaceChildren();
    const field = select(`Rule ${n}: field`, FIELDS, state.field, 'field');
    this.element.append(field);
    if (state.field === 'attribute') this.element.append(input(`Rule ${n}: attribute name`, 'text', state.key, 'key'));
    const op = select(`Rule ${n}: condition`, opsOf(state.field), state.op, 'op');
    this.element.append(op);
    this.appendValue(n, state.field, op.value, state.value);
    if (!this.readOnly) {
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'danger';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove rule ${n}`);
      remove.addEventListener('click', () => {
        this.element.remove();
        this.changed();
      });
      this.element.append(remove);
    }
    for (const c of this.element.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
      c.disabled = this.readOnly;
      c.addEventListener(c instanceof HTMLSelectElement ? 'change' : 'input', () => {
        if (c.dataset.role === 'field' || c.dataset.role === 'op') {
          const now = this.state();
          this.render({ ...now, value: c.dataset.role === 'field' ? undefined : now.value });
          this.control(c.dataset.role)?.focus();
        }
        this.changed();
      });
    }
  }

  private appendValue(n: number, field: string, op: string, value: unknown): void {
    const label = `Rule ${n}: value`;
    const given = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    switch (valueKindOf(field, op)) {
      case 'none':
        return;
      case 'boolean':
        this.element.append(
          select(
            label,
            [
              ['true', 'true'],
              ['false', 'false'],
            ],
            value === false ? 'false' : 'true',
            'value',
          ),
        );
        return;
      case 'list': {
        const listId = typeof value === 'string' ? value : textOf(given.listId);
        this.element.append(
          select(
            `Rule ${n}: list`,
            this.lists.map((l) => [l.id, l.name]),
            listId,
            'value',
          ),
          select(
            `Rule ${n}: membership status`,
            [
              ['', 'subscribed (any but unsubscribed)'],
              ['confirmed', 'confirmed'],
              ['unconfirmed', 'unconfirmed'],
              ['unsubscribed', 'unsubscribed'],
            ],
            textOf(given.status),
            'status',
          ),
        );
        return;
      }
      case 'days': {
        const days = typeof value === 'number' ? value : typeof given.days === 'number' ? given.days : 30;
        this.element.append(input(`Rule ${n}: days`, 'number', String(days), 'value'));
        return;
      }
      case 'date':
        this.element.append(input(label, 'date', typeof value === 'string' ? value : '', 'value'));
        return;
      case 'number':
        this.element.append(input(label, 'number', typeof value === 'number' ? String(value) : '', 'value'));
        return;
      default:
        this.element.append(input(label, 'text', typeof value === 'string' ? value : '', 'value'));
    }
  }

  state(): { field: string; key: string; op: string; value: unknown } {
    const field = this.control('field')?.value ?? 'email';
    return { field, key: this.control('key')?.value ?? '', op: this.control('op')?.value ?? '', value: this.value() };
  }

  private value(): unknown {
    const field = this.control('field')?.value ?? '';
    const op = this.control('op')?.value ?? '';
    const raw = this.control('value')?.value ?? '';
    switch (valueKindOf(field, op)) {
      case 'none':
        return undefined;
      case 'boolean':
        return raw === 'true';
      case 'list': {
        const status = this.control('status')?.value;
        return status ? { listId: raw, status } : raw;
      }
      case 'days':
      case 'number':
        return raw === '' ? null : Number(raw);
      default:
        return raw;
    }
  }

  toJson(): RuleJson {
    const s = this.state();
    const field = s.field === 'attribute' ? `attributes.${s.key.trim()}` : s.field;
    return s.value === undefined ? { field, op: s.op } : { field, op: s.op, value: s.value };
  }
}

function wireBuilder(root: HTMLElement): void {
  const list = root.querySelector<HTMLOListElement>('[data-rule-list]');
  const hidden = root.querySelector<HTMLInputElement>('[data-rules-json]');
  const match = root.querySelector<HTMLSelectElement>('select[name="match"]');
  if (!list || !hidden) return;
  const lists = JSON.parse(root.dataset.lists ?? '[]') as ListChoice[];
  const readOnly = root.hasAttribute('data-read-only');
  const rows: RuleRow[] = [];
  const none = root.querySelector<HTMLElement>('[data-no-rules]');
  const count = document.querySelector<HTMLElement>('[data-segment-count]');
  const people = document.querySelector<HTMLElement>('[data-segment-people]');
  const error = document.querySelector<HTMLElement>('[data-segment-error]');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  const rulesJson = (): string =>
    JSON.stringify([...list.children].map((li) => rows.find((r) => r.element === li)!.toJson()));

  const refresh = async (): Promise<void> => {
    const mine = ++seq;
    const params = new URLSearchParams({ match: match?.value ?? 'all', rules: hidden.value });
    count?.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`${root.dataset.previewUrl}?${params.toString()}`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (mine !== seq) return;
      const body = (await res.json()) as {
        count?: number;
        people?: { email: string; name: string }[];
        message?: string | string[];
      };
      if (!res.ok) {
        if (error) {
          error.textContent = ([] as string[])
            .concat(body.message ?? 'These rules cannot be counted')
            .map((m) => m.replace(/^rules\[(\d+)\]/, (_, i: string) => `Rule ${Number(i) + 1}`))
            .join('; ');
          error.hidden = false;
        }
        return;
      }
      if (error) error.hidden = true;
      if (count) count.textContent = (body.count ?? 0).toLocaleString('en-US');
      if (people) {
        people.replaceChildren(
          ...(body.people ?? []).map((p) => {
            const tr = document.createElement('tr');
            for (const text of [p.email, p.name]) {
              const td = document.createElement('td');
              td.textContent = text;
              tr.append(td);
            }
            return tr;
          }),
        );
      }
    } catch {
      // the last count stays; the next change asks again
    } finally {
      if (mine === seq) count?.removeAttribute('aria-busy');
    }
  };

  const changed = (): void => {
    for (let i = rows.length - 1; i >= 0; i--) if (!rows[i].element.isConnected) rows.splice(i, 1);
    hidden.value = rulesJson();
    if (none) none.hidden = rows.length > 0;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 300);
  };

  const add = (state: { field: string; key: string; op: string; value: unknown }): RuleRow => {
    const row = new RuleRow(lists, readOnly, changed, state);
    rows.push(row);
    list.append(row.element);
    row.render(row.state());
    return row;
  };

  let stored: RuleJson[] = [];
  try {
    stored = JSON.parse(hidden.value || '[]') as RuleJson[];
  } catch {
    stored = [];
  }
  for (const rule of Array.isArray(stored) ? stored : []) add(rowStateOf(rule));
  if (none) none.hidden = rows.length > 0;
  root.querySelector<HTMLButtonElement>('[data-add-rule]')?.addEventListener('click', () => {
    const row = add({ field: 'email', key: '', op: 'contains', value: '' });
    row.element.querySelector<HTMLSelectElement>('[data-role="field"]')?.focus();
    changed();
  });
  match?.addEventListener('change', changed);
  root.addEventListener('submit', () => {
    hidden.value = rulesJson();
  });
  void refresh();
}

for (const root of document.querySelectorAll<HTMLElement>('[data-segment-builder]')) wireBuilder(root);
