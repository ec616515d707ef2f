import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createHttpApp, createWorkerContext } from './bootstrap';
import { ConfigError } from './config/config-error';
import { loadConfig } from './config/load-config';

async function main(): Promise<void> {
  const config = loadConfig();
  if (process.argv.includes('--worker')) {
    await createWorkerContext(config);
    Logger.log('Worker started: running queued jobs, serving no HTTP', 'Main');
    return;
  }
  const app = await createHttpApp(config);
  try {
    await app.listen(config.port);
  } catch (err) {
    // Close what did start (the private redis-server above all) before saying why.
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ConfigError('PORT', `${config.port} is already in use by another program`);
    throw err;
  }
  Logger.log(`Listening on port ${config.port}; links in mail point to ${config.publicUrl}`, 'Main');
}

// @nestjs/bull drops the promise of each queue's processing loop. When a Redis connection closes under it (a stop
// during startup, Redis going away) that promise rejects with no handler, which by default kills the process,
// mid-shutdown even, before the private redis-server is stopped. Logged instead: the database is the truth and
// Bull reconnects on its own.
process.on('unhandledRejection', (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  Logger.error(`Unhandled promise rejection: ${err.message}`, err.stack, 'Process');
});

main().catch((err) => {
  // Configuration mistakes are one line naming the variable; anything else keeps its stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
