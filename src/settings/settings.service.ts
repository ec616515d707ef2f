import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig } from '../config/app-config';
import { Brand, contrastProblems, DEFAULT_BRAND, logoProblem, normaliseHex } from './brand';
import { BrandDto } from './dto/brand.dto';
import { EditableAttributeDto } from './dto/editable-attribute.dto';
import { SenderDto } from './dto/settings.dto';
import { SettingRepository } from './setting.repository';

export interface Sender {
  name: string;
  email: string;
}

/** An attribute readers may change in the preference centre, shown under `label`. */
export interface EditableAttribute {
  key: string;
  label: string;
}

const BRAND = 'brand';
const COMPANY_ADDRESS = 'companyAddress';
const EDITABLE_ATTRIBUTES = 'editableAttributes';
const MAX_EDITABLE_ATTRIBUTES = 50;
const SENDERS = 'senders';
const MAX_SENDERS = 50;

/**
 * Settings an admin changes in the UI, stored in the database so that every process (HTTP and workers)
 * reads the same: the company's postal address, the sender addresses, and the attributes readers may
 * change in the preference centre (with their labels). Until one is stored, the
 * configuration's value stands (COMPANY_ADDRESS, MAIL_FROM). Read from the database on each call: the
 * callers read once per batch or page, and a cache would go stale in the other processes.
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingRepository,
    private readonly config: AppConfig,
  ) {}

  /** The stored postal address, else COMPANY_ADDRESS. */
  async companyAddress(): Promise<string> {
    const stored = await this.read(COMPANY_ADDRESS);
    return typeof stored === 'string' && stored.trim() ? stored : this.config.companyAddress;
  }

  async setCompanyAddress(address: string): Promise<string> {
    const value = address.replace(/\r\n?/g, '\n').trim();
    if (!value) throw new BadRequestException('The postal address must not be empty');
    if (value.length > 1000) throw new BadRequestException('The postal address must be at most 1000 characters');
    await this.write(COMPANY_ADDRESS, value);
    return value;
  }

  /** The stored sender addresses, else the one of MAIL_FROM. */
  async senders(): Promise<Sender[]> {
    const stored = await this.read(SENDERS);
    if (Array.isArray(stored) && stored.length) {
      return (stored as Partial<Record<keyof Sender, unknown>>[])
        .filter((s): s is Sender => typeof s?.email === 'string')
        .map((s) => ({ name: String(s.name ?? ''), email: s.email }));
    }
    return [parseMailFrom(this.config.mailFrom)];
  }

  /** Whether the senders shown are stored ones (false: the MAIL_FROM default). */
  async hasStoredSenders(): Promise<boolean> {
    const stored = await this.read(SENDERS);
    return Array.isArray(stored) && stored.length > 0;
  }

  /** Replaces the list; each one is checked (an address, no line breaks), addresses once each. */
  async setSenders(senders: Sender[]): Promise<Sender[]> {
    const checked = senders.map(checkSender);
    const seen = new Set<string>();
    for (const s of checked) {
      const key = s.email.toLowerCase();
      if (seen.has(key)) throw new ConflictException(`The sender ${s.email} is listed twice`);
      seen.add(key);
    }
    if (checked.length > MAX_SENDERS) throw new BadRequestException(`At most ${MAX_SENDERS} sender addresses`);
    await this.write(SENDERS, checked);
    return checked;
  }

  /** Adds a sender; the first one stored replaces the MAIL_FROM default in the list. */
  async addSender(sender: Sender): Promise<Sender[]> {
    const s = checkSender(sender);
    const current = (await this.hasStoredSenders()) ? await this.senders() : [];
    if (current.some((c) => c.email.toLowerCase() === s.email.toLowerCase()))
      throw new ConflictException(`The sender ${s.email} already exists`);
    return this.setSenders([...current, s]);
  }

  async removeSender(email: string): Promise<Sender[]> {
    const current = (await this.hasStoredSenders()) ? await this.senders() : [];
    const rest = current.filter((c) => c.email.toLowerCase() !== email.trim().toLowerCase());
    if (rest.length === current.length) throw new NotFoundException(`No sender ${email}`);
    await this.write(SENDERS, rest);
    return rest;
  }

  /** The attributes readers may change (none until an admin marks one; the name is always editable). */
  async editableAttributes(): Promise<EditableAttribute[]> {
    const stored = await this.read(EDITABLE_ATTRIBUTES);
    if (!Array.isArray(stored)) return [];
    return (stored as Partial<Record<keyof EditableAttribute, unknown>>[])
      .filter((a): a is EditableAttribute => typeof a?.key === 'string' && typeof a?.label === 'string')
      .map((a) => ({ key: a.key, label: a.label }));
  }

  /** Marks an attribute editable, or gives an editable one a new label. */
  async setEditableAttribute(attribute: EditableAttribute): Promise<EditableAttribute[]> {
    const a = checkDto(EditableAttributeDto, attribute);
    const current = await this.editableAttributes();
    const at = current.findIndex((c) => c.key === a.key);
    if (at < 0 && current.length >= MAX_EDITABLE_ATTRIBUTES)
      throw new BadRequestException(`At most ${MAX_EDITABLE_ATTRIBUTES} editable attributes`);
    const next =
      at < 0
        ? [...current, { key: a.key, label: a.label }]
        : current.map((c, i) => (i === at ? { key: a.key, label: a.label } : c));
    await this.write(EDITABLE_ATTRIBUTES, next);
    return next;
  }

  async removeEditableAttribute(key: string): Promise<EditableAttribute[]> {
    const current = await this.editableAttributes();
    const rest = current.filter((c) => c.key !== key.trim());
    if (rest.length === current.length) throw new NotFoundException(`No editable attribute ${key}`);
    await this.write(EDITABLE_ATTRIBUTES, rest);
    return rest;
  }

  /** The brand of the readers' pages; the default look until an admin sets one. */
  async brand(): Promise<Brand> {
    const stored = (await this.read(BRAND)) as Partial<Record<keyof Brand, unknown>> | null;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return {
      name: text(stored?.name),
      logo: text(stored?.logo),
      primary: normaliseHex(text(stored?.primary) ?? '') ?? DEFAULT_BRAND.primary,
      background: normaliseHex(text(stored?.background) ?? '') ?? DEFAULT_BRAND.background,
    };
  }

  /**
   * Replaces the brand. A colour left out is the default's; a colour that readers could not read text on
   * (WCAG AA) is refused with the ratio it has, never adjusted behind the editor's back.
   */
  async setBrand(input: BrandDto): Promise<Brand> {
    const dto = checkDto(BrandDto, input);
    const problems: string[] = [];
    const logoIssue = dto.logo ? logoProblem(dto.logo) : null;
    if (logoIssue) problems.push(logoIssue);
    const brand: Brand = {
      name: dto.name ?? null,
      logo: dto.logo ?? null,
      primary: normaliseHex(dto.primary ?? '') ?? DEFAULT_BRAND.primary,
      background: normaliseHex(dto.background ?? '') ?? DEFAULT_BRAND.background,
    };
    problems.push(...contrastProblems(brand));
    if (problems.length) throw new BadRequestException(problems);
    await this.write(BRAND, brand);
    return brand;
  }

  private async read(key: string): Promise<unknown> {
    return this.settings.valueOf(key);
  }

  private async write(key: string, value: unknown): Promise<void> {
    await this.settings.put(key, value);
  }
}

function checkDto<T extends object>(cls: new () => T, input: object): T {
  const dto = plainToInstance(cls, { ...input });
  const errors = validateSync(dto);
  if (errors.length) throw new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})));
  return dto;
}

function checkSender(sender: Sender): Sender {
  const dto = plainToInstance(SenderDto, { name: sender.name, email: sender.email });
  const errors = validateSync(dto);
  if (errors.length) throw new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})));
  return { name: dto.name, email: dto.email.toLowerCase() };
}

/** `News <news@localhost>` or `news@localhost` → {name, email}. */
export function parseMailFrom(value: string): Sender {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return m ? { name: m[1].trim(), email: m[2].trim() } : { name: '', email: value.trim() };
}
