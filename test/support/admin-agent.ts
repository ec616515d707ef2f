import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../../src/users/roles';
import { UsersService } from '../../src/users/users.service';
import { TestApp } from './test-app';

export interface AdminAgent {
  /** supertest agent holding the session cookie */
  agent: ReturnType<typeof request.agent>;
  /** the session's CSRF token, as the pages put it in their forms */
  csrf: string;
}

export const csrfIn = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1];

/** A new user of that role signed in to the admin UI through its login form, without a browser. */
export async function signedInAgent(t: TestApp, role: Role): Promise<AdminAgent> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
  await t.app.get(UsersService).create(email, 'correct horse battery', role);
  const agent = request.agent(t.baseUrl);
  const form = await agent.get('/admin/login').expect(200);
  await agent
    .post('/admin/login')
    .type('form')
    .send({ email, password: 'correct horse battery', _csrf: csrfIn(form.text) })
    .expect(303);
  return { agent, csrf: csrfIn((await agent.get('/admin').expect(200)).text) };
}
