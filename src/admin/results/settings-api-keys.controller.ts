import { Body, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { ApiKeysService } from '../../auth/api-keys.service';
import { CreateApiKeyDto } from '../../auth/dto/create-api-key.dto';
import { IdParam } from '../../common/id-param';
import { AdminController } from '../admin-controller';
import { formArray, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { SCOPE_HINTS, SettingsPageService } from './settings-page.service';

/** API keys on the settings page (admins only): created and shown once, listed without the key, revoked. */
@AdminController('settings/api-keys')
@MinRole('admin')
export class SettingsApiKeysController {
  constructor(
    private readonly views: AdminViews,
    private readonly page: SettingsPageService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The answer is the one page that ever shows the key: not cached, not kept anywhere. */
  @Post()
  @MinRole('admin')
  async create(@Body() body: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const values = { name: body.name, scopes: formArray(body.scopes) };
    const { value, errors } = await validateForm(CreateApiKeyDto, values);
    if (errors) return this.page.show(req, res, { form: 'apiKey', values, errors: scopeError(errors) }, 400);
    const created = await this.apiKeys.create(value.name.trim(), value.scopes);
    res.set('Cache-Control', 'no-store');
    this.views.page(req, res, 'settings/api-key-created', {
      title: 'API key created',
      nav: 'settings',
      status: 201,
      created,
      scopes: created.scopes.map((s) => ({ value: s, hint: SCOPE_HINTS[s] })),
    });
  }

  @Post(':id/revoke')
  @MinRole('admin')
  async revoke(@IdParam() id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const key = (await this.apiKeys.list()).find((k) => k.id === id);
    try {
      await this.apiKeys.remove(id);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'apiKeys', alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(res, '/admin/settings#api-keys', `API key “${key?.name ?? id}” revoked: it no longer works`);
  }
}

/** "scopes must contain at least 1 elements" reads badly on a form. */
function scopeError(errors: Record<string, string>): Record<string, string> {
  const out = { ...errors };
  for (const k of Object.keys(out)) if (k.startsWith('scopes')) delete out[k];
  if (Object.keys(errors).some((k) => k.startsWith('scopes'))) out.scopes = 'Choose at least one scope';
  return out;
}
