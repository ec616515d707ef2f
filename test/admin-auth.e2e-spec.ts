import { Browser } from 'playwright-core';
import request from 'supertest';
import { screenshot, signedInPage, startAppAndBrowser, stopAppAndBrowser } from './support/browser';
import { TestApp } from './support/test-app';
import { UsersService } from '../src/users/users.service';

describe('admin UI: signing in and out', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => ({ t, browser } = await startAppAndBrowser()));
  afterAll(() => stopAppAndBrowser(t, browser));

  it('sends a visitor without a session to the login page, then back where they were going', async () => {
    const res = await t.http().get('/admin?tab=1').expect(303);
    expect(res.headers.location).toBe('/admin/login?next=%2Fadmin%3Ftab%3D1');
    await t.http().get('/').expect(302).expect('location', '/admin');
  });

  it('signs an editor in with a secure session cookie, shows the dashboard, and signs out', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    expect(new URL(page.url()).pathname).toBe('/admin');
    await expect(page.getByRole('heading', { name: 'Dashboard' }).isVisible()).resolves.toBe(true);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'mc_admin')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    await screenshot(page, 'dashboard');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/admin/login');
    await page.goto('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(consoleErrors).toEqual([]);
  });

  it('signing out ends the session in every browser, and a new password does the same', async () => {
    await t.app.get(UsersService).create('two-browsers@example.com', 'correct horse battery', 'editor');
    const signIn = async () => {
      const agent = request.agent(t.baseUrl);
      const form = await agent.get('/admin/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      await agent
        .post('/admin/login')
        .type('form')
        .send({ email: 'two-browsers@example.com', password: 'correct horse battery', _csrf: csrf })
        .expect(303);
      const page = await agent.get('/admin').expect(200);
      return { agent, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] };
    };
    const laptop = await signIn();
    const tablet = await signIn();
    await laptop.agent
      .post('/admin/logout')
      .type('form')
      .send({ _csrf: laptop.csrf })
      .expect(303)
      .expect('location', '/admin/login');
    await laptop.agent.get('/admin').expect(303);
    await tablet.agent.get('/admin').expect(303);

    const phone = await signIn();
    const user = (await t.app.get(UsersService).findByEmail('two-browsers@example.com'))!;
    await t.app.get(UsersService).update(user.id, { password: 'a brand new password' });
    await phone.agent.get('/admin').expect(303);
  });

  it('shows a wrong password next to the form and keeps the address typed', async () => {
    await t.app.get(UsersService).create('wrong-pass@example.com', 'correct horse battery', 'editor');
    const page = await (await browser.newContext({ baseURL: t.baseUrl })).newPage();
    await page.goto('/admin/login');
    await page.getByLabel('Email').fill('wrong-pass@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong email or password');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('wrong-pass@example.com');
    await screenshot(page, 'login');
  });

  it('refuses a login form posted from another site (no CSRF cookie) and a change without the session CSRF token', async () => {
    await t.app.get(UsersService).create('csrf@example.com', 'correct horse battery', 'admin');
    await request(t.baseUrl)
      .post('/admin/login')
      .type('form')
      .send({ email: 'csrf@example.com', password: 'correct horse battery', _csrf: 'x' })
      .expect(403);

    const agent = request.agent(t.baseUrl);
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'csrf@example.com', password: 'correct horse battery', _csrf: csrf })
      .expect(303);
    await agent.get('/admin').expect(200);
    // Signed in, but a change without the session's token (a cross-site form) is refused.
    await agent.post('/admin/logout').type('form').send({}).expect(403);
  });

  it('never redirects to another site after login', async () => {
    const res = await t.http().get('/admin/login?next=//evil.example/').expect(200);
    expect(res.text).toContain('name="next" value="/admin"');
  });
});
