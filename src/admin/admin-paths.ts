import { join, resolve } from 'node:path';

/** The project root, from src/admin (tests) and from dist/admin (a build) alike. */
const ROOT = resolve(__dirname, '..', '..');

/** The browser bundle and stylesheet, built by src/admin/client/build.mjs. */
export const ADMIN_PUBLIC_DIR = join(ROOT, 'dist', 'admin', 'public');
/** Handlebars views: copied beside the compiled code by nest-cli's assets option. */
export const ADMIN_VIEWS_DIR = join(__dirname, 'views');
