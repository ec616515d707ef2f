import { INestApplicationContext, ValidationPipe } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { RequestHandler, urlencoded } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ADMIN_PUBLIC_DIR } from './admin/admin-paths';
import { AppModule } from './app.module';
import { bodyErrorHandler } from './common/body-errors';
import { bodyShapeLimit } from './common/body-limits';
import { BodyTypeInterceptor } from './common/body-types';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AppConfig } from './config/app-config';
import { connectRedis, RedisConnection } from './queues/redis-connection';

/** JSON bodies up to 1 MB (a large MJML newsletter fits). Uploads and raw bounces have their own limits. */
const JSON_LIMIT = '1mb';
/** Forms outside the admin UI (sign-up, preference centre, unsubscribe) take as much as the API. */
const FORM_LIMIT = '1mb';
/**
 * Admin forms carry what the API takes as JSON (a template's MJML, up to 500,000 characters): URL
 * encoding writes each byte that is not a letter or digit as three, so they may be up to three times larger.
 */
const ADMIN_FORM_LIMIT = '3mb';
/**
 * On these signals the app closes in order (HTTP server, queues after their running jobs, database,
 * the private redis-server last) and then exits with code 0, as process managers expect.
 */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** The HTTP service with its workers: what `npm start` runs and what the tests boot. */
export async function createHttpApp(config: AppConfig): Promise<NestExpressApplication> {
  const redis = await connectRedis(config);
  const app = await stopRedisOnFailure(redis, () =>
    NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, redis), {
      bufferLogs: true,
      bodyParser: false,
      // Provider webhooks check signatures over the exact bytes sent (req.rawBody).
      rawBody: true,
      abortOnError: false,
    }),
  );
  app.useLogger(app.get(Logger));
  // X-Forwarded-For only from the proxies TRUST_PROXY names; none by default (req.ip is the connection's address).
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(adminNoStore);
  app.use(cookieParser());
  app.useStaticAssets(ADMIN_PUBLIC_DIR, { prefix: '/admin/assets/', maxAge: '1h', index: false });
  app.useBodyParser('json', { limit: JSON_LIMIT });
  // The first parser that reads a body marks it read; the general one then leaves it alone.
  app.use('/admin', urlencoded({ limit: ADMIN_FORM_LIMIT, extended: false }));
  app.useBodyParser('urlencoded', { limit: FORM_LIMIT, extended: false });
  app.use(bodyShapeLimit);
  app.use(bodyErrorHandler);
  app.useGlobalInterceptors(new BodyTypeInterceptor(app.get(Reflector)));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
  SwaggerModule.setup(
    'api/docs',
    app,
    SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Mail service API').addBearerAuth().build()),
  );
  return app;
}

/**
 * helmet's headers everywhere. The admin UI's preview frame and the public archive show a newsletter as recipients
 * see it, and the readers' pages show the brand's logo (Settings): images from anywhere there; everything else keeps
 * helmet's strict default policy.
 */
function securityHeaders(): RequestHandler {
  const strict = helmet();
  const admin = helmet({ contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'data:', 'https:', 'http:'] } } });
  const pictures = /^\/(admin|archive|u|p|confirm)(\/|$)/;
  return (req, res, next) => (pictures.test(req.path) ? admin : strict)(req, res, next);
}

/**
 * Admin pages (login, errors and redirects included) hold personal data and CSRF tokens: no browser or proxy
 * may keep a copy. The admin's static assets are the exception and keep their own caching.
 */
const adminNoStore: RequestHandler = (req, res, next) => {
  if (req.path.startsWith('/admin') && !req.path.startsWith('/admin/assets/'))
    res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Workers only, no HTTP: `npm run start:worker`. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const redis = await connectRedis(config);
  const app = await stopRedisOnFailure(redis, () =>
    NestFactory.createApplicationContext(AppModule.forRoot(config, redis), { bufferLogs: true, abortOnError: false }),
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
  return app;
}

/** A boot that fails (database unreachable, a migration error) must not leave the private redis-server running. */
async function stopRedisOnFailure<T>(redis: RedisConnection, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    await redis.stop();
    throw err;
  }
}
