import { BadRequestException, ConflictException } from '@nestjs/common';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Setting } from './setting.entity';
import { parseMailFrom, SettingsService } from './settings.service';

/** An in-memory stand-in for the settings table (the e2e specs use the real one). */
function service(config: Partial<AppConfig> = {}): SettingsService {
  const rows = new Map<string, unknown>();
  const repo = {
    findOne: ({ where }: { where: { key: string } }) =>
      Promise.resolve(rows.has(where.key) ? { key: where.key, value: rows.get(where.key) } : null),
    upsert: ({ key, value }: { key: string; value: unknown }) => Promise.resolve(void rows.set(key, value)),
  } as unknown as Repository<Setting>;
  return new SettingsService(repo, {
    companyAddress: 'Config Ltd',
    mailFrom: 'News <news@localhost>',
    ...config,
  } as AppConfig);
}

describe('SettingsService', () => {
  it('falls back to COMPANY_ADDRESS and MAIL_FROM until something is stored', async () => {
    const s = service();
    await expect(s.companyAddress()).resolves.toBe('Config Ltd');
    await expect(s.senders()).resolves.toEqual([{ name: 'News', email: 'news@localhost' }]);
    await s.setCompanyAddress('  Shop GmbH\r\nBerlin  ');
    await expect(s.companyAddress()).resolves.toBe('Shop GmbH\nBerlin');
  });

  it('adds senders once each, lower-cased, and refuses line breaks and bad addresses', async () => {
    const s = service();
    await s.addSender({ name: ' Shop ', email: 'Offers@Shop.example' });
    await expect(s.senders()).resolves.toEqual([{ name: 'Shop', email: 'offers@shop.example' }]);
    await expect(s.addSender({ name: 'Again', email: 'OFFERS@shop.example' })).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(
      s.addSender({ name: 'Evil\r\nBcc: x@example.com', email: 'evil@shop.example' }),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(s.addSender({ name: 'Shop', email: 'a@b.example\r\nBcc: x@example.com' })).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await expect(s.addSender({ name: 'Shop', email: 'not an address' })).rejects.toBeInstanceOf(BadRequestException);
    await s.removeSender('offers@shop.example');
    // None left: MAIL_FROM's again.
    await expect(s.senders()).resolves.toEqual([{ name: 'News', email: 'news@localhost' }]);
  });

  it('keeps the editable attributes with their labels: none at first, relabelled in place, removed, bad input refused', async () => {
    const s = service();
    await expect(s.editableAttributes()).resolves.toEqual([]);
    await s.setEditableAttribute({ key: ' city ', label: ' City ' });
    await s.setEditableAttribute({ key: 'phone', label: 'Phone' });
    await s.setEditableAttribute({ key: 'city', label: 'Town' });
    await expect(s.editableAttributes()).resolves.toEqual([
      { key: 'city', label: 'Town' },
      { key: 'phone', label: 'Phone' },
    ]);
    await expect(s.setEditableAttribute({ key: 'a\nb', label: 'X' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(s.setEditableAttribute({ key: 'zip', label: '  ' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(s.setEditableAttribute({ key: 'zip', label: 'Zip\r\nBcc' })).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await s.removeEditableAttribute('city');
    await expect(s.editableAttributes()).resolves.toEqual([{ key: 'phone', label: 'Phone' }]);
    await expect(s.removeEditableAttribute('city')).rejects.toThrow(/No editable attribute city/);
  });

  it('parses MAIL_FROM with or without a name', () => {
    expect(parseMailFrom('"Shop News" <news@shop.example>')).toEqual({ name: 'Shop News', email: 'news@shop.example' });
    expect(parseMailFrom('news@shop.example')).toEqual({ name: '', email: 'news@shop.example' });
  });
});
