import { BadRequestException } from '@nestjs/common';
import { MAX_PAGE } from '../common/pagination';

/** What the pager partial (partials/pager.hbs) shows: "Page 2 of 7" and links keeping the filters. */
export interface Pager {
  page: number;
  pages: number;
  total: number;
  prevUrl: string | null;
  nextUrl: string | null;
}

export function pagerOf(
  path: string,
  filters: Record<string, string | undefined>,
  page: number,
  limit: number,
  total: number,
): Pager {
  const pages = Math.max(1, Math.ceil(total / limit));
  const url = (p: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  return {
    page,
    pages,
    total,
    prevUrl: page > 1 ? url(Math.min(page - 1, pages)) : null,
    nextUrl: page < pages ? url(page + 1) : null,
  };
}

/** ?page= from a query string: absent is page 1; a whole number from 1 to MAX_PAGE, anything else a 400 (an error page). */
export function pageParam(v: unknown): number {
  if (v === undefined || v === '') return 1;
  const n = typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= MAX_PAGE)) throw new BadRequestException(`page must be a whole number from 1 to ${MAX_PAGE}`);
  return n;
}
