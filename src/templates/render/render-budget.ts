import { TemplateDataError } from '../template-errors';

/**
 * What one message's rendering (subject, HTML and text part together) may cost. Handlebars runs
 * synchronously, so a clock outside cannot stop it: the loops, value lookups and helper calls of our
 * Handlebars environment (handlebars-env.ts) count themselves here and stop the render when it goes
 * past any of these. A real newsletter takes a few thousand steps, a millisecond and a few hundred KB.
 */
export interface RenderLimits {
  /** loop iterations, values written and helper calls */
  steps: number;
  /** characters written (values and each loop iteration's own text), subject, HTML and text together */
  outputChars: number;
  /** wall-clock time, checked every CLOCK_EVERY steps */
  ms: number;
}

export const RENDER_LIMITS: RenderLimits = { steps: 250_000, outputChars: 10 * 1024 * 1024, ms: 1_000 };

/** Reading the clock costs more than a step: look every this many steps. */
const CLOCK_EVERY = 1024;

/**
 * A template went past a render limit. A 400 over HTTP (preview, save, test send); a queued message
 * fails at once with this reason (a TemplateDataError: no retry renders it differently).
 */
export class RenderLimitError extends TemplateDataError {
  constructor(readonly limit: keyof RenderLimits, detail: string) {
    super(`Rendering stopped: ${detail}. Loops over large data (nested {{#each}} especially) are the usual cause`);
  }
}

class Budget {
  steps = 0;
  chars = 0;
  private readonly deadline: number;

  constructor(readonly limits: RenderLimits) {
    this.deadline = Date.now() + limits.ms;
  }

  step(): void {
    if (++this.steps > this.limits.steps) {
      throw new RenderLimitError('steps', `the template took more than ${this.limits.steps.toLocaleString('en-US')} steps (loop iterations, values and helper calls)`);
    }
    if (this.steps % CLOCK_EVERY === 0 && Date.now() > this.deadline) {
      throw new RenderLimitError('ms', `the template took longer than ${this.limits.ms} ms to render`);
    }
  }

  write(chars: number): void {
    this.chars += chars;
    if (this.chars > this.limits.outputChars) {
      throw new RenderLimitError('outputChars', `the message would be larger than ${Math.round(this.limits.outputChars / 1024 / 1024)} MB`);
    }
  }
}

/** The render in progress: Handlebars is synchronous, so there is at most one per process at a time. */
let current: Budget | null = null;

/**
 * Runs `render` under a budget; a render nested in one (the parts of one message) shares it.
 * `limits` is for tests; everything else uses RENDER_LIMITS.
 */
export function withRenderBudget<T>(render: () => T, limits: RenderLimits = RENDER_LIMITS): T {
  if (current) return render();
  current = new Budget(limits);
  try {
    return render();
  } finally {
    current = null;
  }
}

/** One unit of work: a loop iteration, a value written, a helper call. */
export function renderStep(): void {
  current?.step();
}

/** `chars` more characters of output. */
export function renderWrite(chars: number): void {
  current?.write(chars);
}

/** Characters counted so far (a loop subtracts what its body's own values and loops already counted). */
export function renderedChars(): number {
  return current?.chars ?? 0;
}
