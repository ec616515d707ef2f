// Builds the admin UI's browser assets into dist/admin/public: one script bundle (CodeMirror and the
// page behaviours), the stylesheet, the rich-text editor's bundle (compose.js), and the visual builder's own bundle (builder.js + builder.css: GrapesJS and
// MJML's browser build, several MB, loaded by the builder pages only). Run by `npm run build` and before
// `npm test`; takes a few seconds.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '..', '..', '..', 'dist', 'admin', 'public');
mkdirSync(out, { recursive: true });
const bundle = (name) =>
  build({
    entryPoints: [join(here, `${name}.ts`)],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    outfile: join(out, `${name}.js`),
    logLevel: 'warning',
  });
await bundle('admin');
// The rich-text editor (Tiptap, ~400 KB) is loaded only by the campaign content step (views/partials/compose-panels.hbs).
await bundle('compose');
// The visual builder (GrapesJS, ~2.5 MB) only by the template editor and the content step (views/partials/visual-builder.hbs).
await bundle('builder');
copyFileSync(join(here, 'admin.css'), join(out, 'admin.css'));
