import { Injectable, OnModuleInit } from '@nestjs/common';
import { Response } from 'express';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ADMIN_VIEWS_DIR } from '../admin-paths';
import { AdminRequest, hasRole } from '../session/admin-user';
import { registerViewHelpers } from './view-helpers';

export const FLASH_COOKIE = 'mc_admin_flash';

/** What every page may set besides its own data. */
export interface PageOptions {
  title: string;
  /** the navigation entry to highlight: dashboard, lists, subscribers, templates, campaigns, reports, messages, bounces, settings */
  nav?: string;
  status?: number;
  [key: string]: unknown;
}

/**
 * Server-rendered admin pages: Handlebars views under src/admin/views (partials in views/partials),
 * compiled once at boot, each wrapped in layout.hbs. Every page gets `user`, `csrf`, `canEdit`,
 * `isAdmin` and the one-shot `flash` message.
 */
@Injectable()
export class AdminViews implements OnModuleInit {
  private readonly hbs = Handlebars.create();
  private readonly views = new Map<string, Handlebars.TemplateDelegate>();

  onModuleInit(): void {
    registerViewHelpers(this.hbs);
    for (const file of walk(ADMIN_VIEWS_DIR)) {
      const name = relative(ADMIN_VIEWS_DIR, file)
        .replace(/\\/g, '/')
        .replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) this.hbs.registerPartial(name.slice('partials/'.length), source);
      else this.views.set(name, this.hbs.compile(source, { strict: false }));
    }
  }

  /** Renders `view` inside the layout and sends it. */
  page(req: AdminRequest, res: Response, view: string, options: PageOptions, layout = 'layout'): void {
    res
      .status(options.status ?? 200)
      .type('html')
      .send(this.render(req, res, view, options, layout));
  }

  /** A page's HTML without sending it (also for fragments fetched by the page scripts). */
  render(
    req: AdminRequest,
    res: Response,
    view: string,
    options: PageOptions,
    layout: string | null = 'layout',
  ): string {
    const flash = (req.cookies as Record<string, string | undefined> | undefined)?.[FLASH_COOKIE];
    if (flash) res.clearCookie(FLASH_COOKIE, { path: '/admin' });
    const context = {
      ...options,
      user: req.adminUser,
      csrf: req.csrfToken ?? options.csrf,
      canEdit: hasRole(req.adminUser, 'editor'),
      isAdmin: hasRole(req.adminUser, 'admin'),
      flash: typeof flash === 'string' ? flash.slice(0, 300) : undefined,
      [`nav_${options.nav ?? 'none'}`]: true,
    };
    const body = this.template(view)(context);
    return layout ? this.template(layout)({ ...context, body }) : body;
  }

  /** Redirects after a successful change (post/redirect/get), with a message shown once on the next page. */
  redirect(res: Response, to: string, flash?: string): void {
    if (flash) res.cookie(FLASH_COOKIE, flash, { httpOnly: true, sameSite: 'strict', path: '/admin', maxAge: 60_000 });
    res.redirect(303, to);
  }

  private template(name: string): Handlebars.TemplateDelegate {
    const t = this.views.get(name);
    if (!t) throw new Error(`No admin view named ${name}`);
    return t;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : [],
  );
}
