import { TokenPurpose, TokenService } from '../../src/tokens/token.service';

/**
 * Signs a payload the claims types do not allow: an old release's token shape, or another purpose's fields,
 * as only a holder of APP_SECRET could. The reader must still refuse it.
 */
export function signRaw(
  tokens: TokenService,
  purpose: TokenPurpose,
  payload: Record<string, unknown>,
  ttlSeconds?: number,
): string {
  return tokens.sign(purpose, payload as never, ttlSeconds);
}
