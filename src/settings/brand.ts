/**
 * The brand readers see on the pages the service shows them (unsubscribe, preference centre, confirm, archive):
 * the organisation's name, a logo and two colours. Colours are checked against WCAG 2.x AA (4.5:1 for text) with
 * the text drawn on them, and a colour that fails is refused (not adjusted): an editor sees why and picks another.
 */
export interface Brand {
  /** the organisation's name; null: none shown */
  name: string | null;
  /** as the admin typed it: an http(s) URL, or a path under PUBLIC_URL (/media/logo.png); null: no logo */
  logo: string | null;
  /** buttons (white text on it) and links (on the white card) */
  primary: string;
  /** the page around the card; the header's name is written on it in TEXT_COLOUR */
  background: string;
}

/** The look the pages had before there was a brand. */
export const DEFAULT_BRAND: Readonly<Brand> = { name: null, logo: null, primary: '#2563eb', background: '#f4f5f7' };
/** The text colour of the pages, and white, what buttons write on the primary colour. */
export const TEXT_COLOUR = '#1f2933';
export const WHITE = '#ffffff';
/** WCAG AA for normal text. */
export const AA_CONTRAST = 4.5;

/** `#abc` or `#aabbcc` (any case) → `#aabbcc`; anything else → null. */
export function normaliseHex(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return null;
}

/** WCAG 2.x relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** What is wrong with the colours for reading, one sentence each; empty when both pass AA. */
export function contrastProblems(brand: Pick<Brand, 'primary' | 'background'>): string[] {
  const problems: string[] = [];
  const onPrimary = contrastRatio(brand.primary, WHITE);
  if (onPrimary < AA_CONTRAST)
    problems.push(
      `primary colour ${brand.primary} is too light: white button text on it has a contrast of ${onPrimary.toFixed(2)}:1, and WCAG AA needs ${AA_CONTRAST}:1 (choose a darker colour)`,
    );
  const onBackground = contrastRatio(brand.background, TEXT_COLOUR);
  if (onBackground < AA_CONTRAST)
    problems.push(
      `background colour ${brand.background} is too dark: the text (${TEXT_COLOUR}) on it has a contrast of ${onBackground.toFixed(2)}:1, and WCAG AA needs ${AA_CONTRAST}:1 (choose a lighter colour)`,
    );
  return problems;
}

/**
 * What is wrong with a logo address, or null when it is usable: an http(s) URL without credentials, or a path
 * under PUBLIC_URL (where the media library serves images).
 */
export function logoProblem(logo: string): string | null {
  if (logo.length > 2000) return 'logo must be at most 2000 characters';
  if (/[\s"'<>\\]/.test(logo)) return 'logo must be a URL without spaces, quotes or angle brackets';
  if (logo.startsWith('/')) {
    return logo.startsWith('//') ? 'logo must be an http(s) URL or a path starting with one /' : null;
  }
  let url: URL;
  try {
    url = new URL(logo);
  } catch {
    return 'logo must be an http(s) URL (https://…) or a path under the public URL (/media/…)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'logo must be an http or https URL';
  if (url.username || url.password) return 'logo must not carry a user name or password';
  return null;
}

/** The logo's address as a page uses it: a path is put under PUBLIC_URL. */
export function logoUrl(logo: string, publicUrl: string): string {
  return logo.startsWith('/') ? `${publicUrl.replace(/\/+$/, '')}${logo}` : logo;
}
