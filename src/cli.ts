import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { CliModule } from './cli/cli.module';
import { COMMANDS, helpText, Options, UsageError } from './cli/commands';
import { ConfigError } from './config/config-error';
import { loadConfig } from './config/load-config';

/** `npm run cli -- create-admin --email you@example.com`: see helpText(). Never prints a password. */
async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(helpText());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (try: npm run cli -- help)`);
  const config = loadConfig();
  const input = await command.parse(parseOptions(rest, command.options));

  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    console.log(await command.run(app, input));
  } finally {
    await app.close();
  }
}

function parseOptions(args: string[], names: string[]): Options {
  try {
    const { values } = parseArgs({
      args,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (err) {
    // parseArgs' own messages quote what was typed, which may be (part of) a password: say it in our words.
    const takes = `this command takes ${names.map((n) => `--${n}`).join(', ')}`;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(`unexpected argument: ${takes} (quote a value with spaces)`);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option: ${takes}`);
    throw new UsageError(`every option needs a value: ${takes} (write --password=-abc for a value that starts with -)`);
  }
}

/** One line for every expected failure. Nothing here prints option values, so the password never shows. */
function describe(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof UsageError) return `Error: ${err.message}`;
  if (err instanceof HttpException) return `Error: ${err.message}`;
  return `Error: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(describe(err));
    process.exit(1);
  },
);
