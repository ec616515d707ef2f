#!/usr/bin/env node
/**
 * Makes the social icons MJML's <mj-social-element> shows, as PNGs served by the service itself
 * (GET /social-icons/<name>.png), so that a mail with social links makes its readers' mail clients fetch nothing
 * from a third party (MJML's defaults load them from www.mailjet.com). White glyphs on a transparent ground, as
 * MJML's own: the element's background colour (per network, MJML's defaults) shows around them.
 *
 * Glyphs: Simple Icons (CC0-1.0, https://simpleicons.org), except LinkedIn (no longer in Simple Icons: the letters
 * "in") and the web (a drawn globe). Run once when a network is added, and commit the PNGs:
 *   npm install --no-save simple-icons@16 && node templates/social-icons/make.mjs
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
// The package exports no file paths: its icons are read from where npm puts it, beside this project's packages.
const simpleIcons = join(here, '..', '..', 'node_modules', 'simple-icons', 'icons');
/** MJML's file name (ico-social/<file>.png) → the Simple Icons slug drawn in it. */
const FROM_SIMPLE_ICONS = {
  facebook: 'facebook',
  twitter: 'x',
  'twitter-x': 'x',
  'google-plus': 'google',
  pinterest: 'pinterest',
  instagram: 'instagram',
  snapchat: 'snapchat',
  youtube: 'youtube',
  tumblr: 'tumblr',
  github: 'github',
  xing: 'xing',
  vimeo: 'vimeo',
  medium: 'medium',
  soundcloud: 'soundcloud',
  dribbble: 'dribbble',
};
const SIZE = 64; // shown at 20–30 px: sharp on screens with two or three pixels per point
const frame = (inner) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="-6 -6 36 36">${inner}</svg>`;

const glyphs = {};
for (const [file, slug] of Object.entries(FROM_SIMPLE_ICONS)) {
  const path = /<path d="([^"]+)"/.exec(readFileSync(join(simpleIcons, `${slug}.svg`), 'utf8'))[1];
  glyphs[file] = frame(`<path fill="#fff" d="${path}"/>`);
}
glyphs.linkedin = frame(
  `<text x="12" y="19" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" font-size="19" fill="#fff">in</text>`,
);
glyphs.web = frame(
  `<g fill="none" stroke="#fff" stroke-width="2"><circle cx="12" cy="12" r="10"/><ellipse cx="12" cy="12" rx="4.5" ry="10"/><path d="M2 12h20M4 6.5h16M4 17.5h16"/></g>`,
);
for (const [file, svg] of Object.entries(glyphs)) {
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toFile(join(here, `${file}.png`));
  console.log(`${file}.png`);
}
