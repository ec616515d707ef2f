import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Consent } from './consent.entity';

@Module({ imports: [TypeOrmModule.forFeature([Consent])] })
export class PreferencesModule {}
