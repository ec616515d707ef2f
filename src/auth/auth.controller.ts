import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { TooManySignInAttempts } from './login-limiter.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Limited per account and per client address (shared in Redis); a refusal says when to retry (Retry-After). */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiTooManyRequestsResponse({
    description: 'too many failed attempts for this account or from this address; see Retry-After',
  })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.auth.login(body.email, body.password, req.ip ?? '');
    } catch (err) {
      if (err instanceof TooManySignInAttempts) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
