import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { Request } from 'express';
import { TokenPurpose, TokenService } from '../tokens/token.service';

const TOKEN_PURPOSE_KEY = 'tracking:tokenPurpose';

/** The purpose of the route's `:token`, for InvalidTokenThrottlerGuard. */
export const TokenRoute = (purpose: TokenPurpose) => SetMetadata(TOKEN_PURPOSE_KEY, purpose);

/**
 * Per-IP rate limit (the route's @Throttle) on requests whose `:token` is not valid: guessing and
 * probing get 429, while a real recipient's link is never limited, however many recipients share the IP
 * (Gmail's one-click unsubscribe POSTs come from a few shared addresses).
 */
@Injectable()
export class InvalidTokenThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  protected shouldSkip(context: ExecutionContext): Promise<boolean> {
    const purpose = this.reflector.getAllAndOverride<TokenPurpose>(TOKEN_PURPOSE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const token = context.switchToHttp().getRequest<Request>().params?.token;
    return Promise.resolve(Boolean(purpose && typeof token === 'string' && this.tokens.verify(purpose, token)));
  }
}
