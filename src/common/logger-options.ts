import { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** Structured JSON logs; credentials, cookies and tokens in URLs never reach them. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactTokens(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' },
    },
  };
}

/** Recipient links carry a signed token as their last path part (/u/TOKEN, /confirm/TOKEN…). */
function redactTokens(url: string): string {
  return url.replace(/^\/(u|o|c|p|confirm)\/[^/?#]+/, '/$1/[token]');
}
