// Builds the admin UI's browser assets into dist/admin/public: one script bundle (CodeMirror and the
// page behaviours), the stylesheet, and the visual builder's own bundle (builder.js + builder.css: GrapesJS and
// MJML's browser build, several MB, loaded by the builder pages only). Run by `npm run build` and before
// `npm test`; takes a few seconds.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '..', '..', '..', 'dist', 'admin', 'public');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'admin.ts')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(out, 'admin.js'),
  logLevel: 'warning',
});
await build({
  entryPoints: [join(here, 'builder.ts')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(out, 'builder.js'),
  logLevel: 'warning',
});
copyFileSync(join(here, 'admin.css'), join(out, 'admin.css'));
