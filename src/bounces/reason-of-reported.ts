import type { BounceReason, BounceType } from './bounce-reasons';
import { classifyFailure, statusOf } from './classify-status';

/**
 * The reason of a bounce reported as JSON, whose sender already chose the type: what its detail says, when
 * that agrees with the type, else `other`.
 */
export function reasonOfReported(type: BounceType, detail: string | undefined): BounceReason {
  if (type === 'complaint') return 'complaint';
  if (!detail) return 'other';
  const read = classifyFailure(statusOf({ text: detail }), detail);
  return read.type === type ? read.reason : 'other';
}
