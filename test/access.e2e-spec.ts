import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { makeApiKey } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';
import { UsersService } from '../src/users/users.service';

/**
 * Who can reach what, over every route the service registers (read from the running app's router, so a new
 * route is checked without anyone listing it here). What anonymous clients, viewers and API keys can do is pinned
 * below: a route that opens up by mistake fails this spec until someone decides it is meant to be so.
 */

/** Routes anyone may call without credentials: recipients' pages, public sign-up, sign-in, health, the API docs. */
const PUBLIC = [
  'GET /',
  'GET /health',
  'POST /api/auth/login',
  'POST /api/public/subscribe',
  'POST /api/public/preferences-link',
  'GET /confirm/:token',
  'POST /confirm/:token',
  'GET /u/:token',
  'POST /u/:token',
  'GET /u/:token/preferences',
  'POST /u/:token/preferences-link',
  'GET /c/:token',
  'GET /p/:token',
  'POST /p/:token',
  'POST /p/:token/unsubscribe-all',
  'GET /p/:token/export',
  'GET /p/:token/erase',
  'POST /p/:token/erase',
  'GET /admin/login',
  'POST /admin/login',
  // The invalid-link page's form asking for a fresh preferences link (the same answer for any address, rate-limited).
  'POST /preferences-link',
  // The public newsletter archive: published campaigns filled with sample data, never a reader's.
  'GET /archive',
  'GET /archive/:slug',
  'GET /archive/feed.xml',
  'GET /archive/unsubscribe',
  // The media library's images, shown by mail clients (a name that is not a stored file is a 404).
  'GET /media/:name',
  // The icons of social links in mail (MJML's, served here rather than by Mailjet).
  'GET /social-icons/:name',
  // Sending providers' webhooks: each proves itself by its own signature or credentials, not by an API key.
  'POST /api/webhooks/ses',
  'POST /api/webhooks/sendgrid',
  'POST /api/webhooks/postmark',
  'POST /api/webhooks/mailgun',
];

/**
 * What a viewer may post: its own sign-out, its own time zone (the profile page and `PATCH /api/users/me`), and a
 * stored template rendered with data (it changes nothing; the render budget bounds it).
 */
const VIEWER_MAY_POST = [
  'POST /admin/logout',
  'POST /admin/profile',
  'PATCH /api/users/me',
  'POST /api/templates/render',
  // a segment's rules counted before they are saved: it reads only, like GET /api/segments/:id/count
  'POST /api/segments/preview',
];

interface Route {
  method: string;
  path: string;
}

const key = (r: Route) => `${r.method} ${r.path}`;

function routesOf(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance();
  // Express keeps each route's methods on its layer; its typings leave them out.
  const stack = express.router.stack as unknown as { route?: { path: string; methods: Record<string, boolean> } }[];
  const routes: Route[] = [];
  for (const layer of stack) {
    const route = layer.route;
    if (!route || route.path.includes('*') || route.path.startsWith('/api/docs')) continue;
    for (const method of Object.keys(route.methods)) routes.push({ method: method.toUpperCase(), path: route.path });
  }
  return routes;
}

/** A concrete URL for a route: ids that name nothing, tokens that are forged. */
function urlOf(path: string): string {
  return path
    .replace(/:id\b/g, randomUUID())
    .replace(/:token\b/g, 'forged-token')
    .replace(/:slug\b/g, 'newsletter');
}

function call(agent: ReturnType<typeof request> | request.Agent, r: Route): request.Test {
  const url = urlOf(r.path);
  switch (r.method) {
    case 'GET':
      return agent.get(url);
    case 'POST':
      return agent.post(url);
    case 'PATCH':
      return agent.patch(url);
    case 'PUT':
      return agent.put(url);
    case 'DELETE':
      return agent.delete(url);
    default:
      throw new Error(`no call for ${r.method}`);
  }
}

describe('who can reach what (e2e)', () => {
  let t: TestApp;
  let routes: Route[];

  beforeAll(async () => {
    t = await createTestApp();
    routes = routesOf(t);
  });
  afterAll(() => t.close());

  it('finds the routes of every feature', () => {
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.map(key)).toEqual(
      expect.arrayContaining(['GET /api/subscribers', 'POST /admin/campaigns/:id/send', ...PUBLIC]),
    );
  });

  it('an anonymous client reaches only the public routes: 401 on the API, the sign-in page for the admin UI', async () => {
    const reached: string[] = [];
    for (const r of routes) {
      const res = await call(t.http(), r);
      const refused = r.path.startsWith('/admin')
        ? [303, 302].includes(res.status) && String(res.headers.location).startsWith('/admin/login')
        : res.status === 401;
      if (!refused) reached.push(key(r));
    }
    expect(reached.sort()).toEqual([...PUBLIC].sort());
  });

  it('a forged token on a recipient page opens nothing: 4xx, never 200 or a redirect', async () => {
    const opened: string[] = [];
    for (const r of routes.filter((x) => x.path.includes(':token'))) {
      const res = await call(t.http(), r).type('form').send({ 'List-Unsubscribe': 'One-Click' });
      if (res.status < 400) opened.push(`${key(r)} → ${res.status}`);
    }
    expect(opened).toEqual([]);
  });

  it('a viewer reads but changes nothing through the API: every other method is 403', async () => {
    const viewer = await t.tokenFor('viewer');
    const allowed: string[] = [];
    for (const r of routes.filter(
      (x) =>
        x.path.startsWith('/api') &&
        x.method !== 'GET' &&
        !PUBLIC.includes(key(x)) &&
        !VIEWER_MAY_POST.includes(key(x)),
    )) {
      const res = await call(t.http(), r).set('Authorization', `Bearer ${viewer}`);
      if (res.status !== 403) allowed.push(`${key(r)} → ${res.status}`);
    }
    expect(allowed).toEqual([]);
  });

  it('a viewer signed in to the admin UI changes nothing but its own profile: every other form post but sign-out is 403', async () => {
    await t.app.get(UsersService).create('access-viewer@example.com', 'correct horse battery', 'viewer');
    const agent = request.agent(t.baseUrl);
    const form = await agent.get('/admin/login').expect(200);
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'access-viewer@example.com', password: 'correct horse battery', _csrf: loginCsrf })
      .expect(303);
    const page = await agent.get('/admin').expect(200);
    const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page.text)![1];

    const allowed: string[] = [];
    for (const r of routes.filter(
      (x) => x.path.startsWith('/admin') && x.method === 'POST' && !VIEWER_MAY_POST.includes(key(x)),
    )) {
      if (key(r) === 'POST /admin/login') continue;
      const res = await call(agent, r).set('X-CSRF-Token', csrf).type('form').send({ _csrf: csrf });
      if (res.status !== 403) allowed.push(`${key(r)} → ${res.status}`);
    }
    expect(allowed).toEqual([]);
  });

  it('an API key reaches only the routes of its scopes, and never the admin UI or staff routes', async () => {
    const keys = {
      'transactional:send': await makeApiKey(t, ['transactional:send']),
      'events:ingest': await makeApiKey(t, ['events:ingest']),
      'subscribers:read': await makeApiKey(t, ['subscribers:read']),
      'subscribers:write': await makeApiKey(t, ['subscribers:write']),
    };
    const reach: Record<string, string[]> = {};
    for (const [scope, apiKey] of Object.entries(keys)) {
      reach[scope] = [];
      for (const r of routes.filter((x) => !PUBLIC.includes(key(x)))) {
        const res = await call(t.http(), r).set('Authorization', `Bearer ${apiKey}`);
        const refused = r.path.startsWith('/admin') ? [302, 303].includes(res.status) : res.status === 403;
        if (!refused) reach[scope].push(key(r));
      }
      reach[scope].sort();
    }
    expect(reach).toEqual({
      'transactional:send': ['GET /api/messages/:id', 'POST /api/orders/events', 'POST /api/transactional/messages'],
      'events:ingest': ['POST /api/events/bounces'],
      'subscribers:read': [
        'GET /api/imports',
        'GET /api/imports/:id',
        'GET /api/lists',
        'GET /api/lists/:id',
        'GET /api/subscribers',
        'GET /api/subscribers/:id',
      ],
      'subscribers:write': ['PATCH /api/subscribers/:id', 'POST /api/imports', 'POST /api/subscribers'],
    });
  });
});
