import 'reflect-metadata';
import { createHttpApp, createWorkerContext } from './bootstrap';
import { ConfigError } from './config/config-error';
import { loadConfig } from './config/load-config';

async function main(): Promise<void> {
  const config = loadConfig();
  if (process.argv.includes('--worker')) {
    await createWorkerContext(config);
    return;
  }
  const app = await createHttpApp(config);
  await app.listen(config.port);
}

main().catch((err) => {
  // Configuration mistakes are one line naming the variable; anything else keeps its stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
