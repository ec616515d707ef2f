import { HttpException, Injectable } from '@nestjs/common';
import { Response } from 'express';
import { API_KEY_SCOPES } from '../../auth/api-key-scopes';
import { ApiKeysService } from '../../auth/api-keys.service';
import { SettingsService } from '../../settings/settings.service';
import { ROLES } from '../../users/roles';
import { UsersService } from '../../users/users.service';
import { FieldErrors, messageOf } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';

/** What one of the settings page's forms sends back after a refused change: the input, errors, a message. */
export interface SettingsFormState {
  /** the section the state belongs to */
  form: 'user' | 'users' | 'apiKey' | 'apiKeys' | 'sender' | 'company' | 'attribute' | 'brand';
  values?: Record<string, unknown>;
  errors?: FieldErrors | null;
  /** a refusal not tied to one field (the last admin, a duplicate) */
  alert?: string;
}

export const SCOPE_HINTS: Record<(typeof API_KEY_SCOPES)[number], string> = {
  'transactional:send': 'send transactional mail and order events, read their messages',
  'events:ingest': 'report bounces and complaints',
  'subscribers:read': 'read subscribers, lists and imports',
  'subscribers:write': 'add, change and unsubscribe subscribers, start imports',
};

/**
 * The settings page (admins only): users and roles, API keys, sender addresses, the company's postal
 * address and the attributes readers may change in the preference centre, each a card with its own form. A refused change shows the page again with that form's input
 * kept and its errors beside the fields.
 */
@Injectable()
export class SettingsPageService {
  constructor(
    private readonly views: AdminViews,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly settings: SettingsService,
  ) {}

  async show(req: AdminRequest, res: Response, state?: SettingsFormState, status = 200): Promise<void> {
    const [users, keys, senders, storedSenders, companyAddress, editableAttributes, brand] = await Promise.all([
      this.users.list(),
      this.apiKeys.list(),
      this.settings.senders(),
      this.settings.hasStoredSenders(),
      this.settings.companyAddress(),
      this.settings.editableAttributes(),
      this.settings.brand(),
    ]);
    const me = req.adminUser!;
    const form = (name: SettingsFormState['form']) => (state?.form === name ? state : undefined);
    const newKey = form('apiKey');
    this.views.page(req, res, 'settings/index', {
      title: 'Settings',
      nav: 'settings',
      status,
      roles: ROLES,
      users: users.map((u) => ({
        ...u,
        me: u.id === me.id,
        roleOptions: ROLES.map((r) => ({ value: r, selected: r === u.role })),
      })),
      adminCount: users.filter((u) => u.role === 'admin').length,
      keys,
      scopes: API_KEY_SCOPES.map((s) => ({
        value: s,
        hint: SCOPE_HINTS[s],
        checked: Array.isArray(newKey?.values?.scopes) && (newKey.values.scopes as string[]).includes(s),
      })),
      senders,
      storedSenders,
      companyAddress: form('company')?.values?.companyAddress ?? companyAddress,
      companyAddressSet: Boolean(companyAddress.trim()),
      userForm: form('user'),
      usersState: form('users'),
      apiKeyForm: newKey,
      apiKeysState: form('apiKeys'),
      senderForm: form('sender'),
      companyForm: form('company'),
      editableAttributes,
      attributeForm: form('attribute'),
      brand: form('brand')?.values ?? brand,
      brandForm: form('brand'),
      me,
    });
  }

  /** A service refusal (409 last admin, 404 gone, 400) as the message to show; anything else is rethrown. */
  static refusal(err: unknown): string {
    if (err instanceof HttpException && err.getStatus() < 500) return messageOf(err);
    throw err;
  }

  static statusOf(err: unknown): number {
    return err instanceof HttpException ? err.getStatus() : 500;
  }
}
