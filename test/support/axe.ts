import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's serious and critical findings on the page as it is now. `exclude`: CSS selectors of parts left out
 * (the CodeMirror code editor's syntax colours, which the issue leaves aside).
 */
export async function seriousViolations(page: Page, exclude: string[] = []): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (left: string[]) => {
    type Axe = { run(context: object): Promise<{ violations: AxeViolation[] }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    return (await axe.run({ include: [['html']], exclude: left.map((s) => [s]) })).violations;
  }, exclude);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}
