import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Consent } from './consent.entity';
import { ConsentRepository } from './consent.repository';

/**
 * The consent records' owner on its own, depending on nothing but the table: imports record consent through it
 * without importing PreferencesModule (which imports ImportsModule for erasure: that would be a cycle).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Consent])],
  providers: [ConsentRepository],
  exports: [ConsentRepository],
})
export class ConsentsModule {}
