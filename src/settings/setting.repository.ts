import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Setting } from './setting.entity';

/** The settings table: one JSON value per key. */
@Injectable()
export class SettingRepository {
  constructor(@InjectRepository(Setting) private readonly settings: Repository<Setting>) {}

  /** The stored value of `key`, or null when none is stored. */
  async valueOf(key: string): Promise<unknown> {
    return (await this.settings.findOne({ where: { key } }))?.value ?? null;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.settings.upsert({ key, value: value as object }, ['key']);
  }
}
