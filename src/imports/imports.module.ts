import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Import } from './import.entity';

@Module({ imports: [TypeOrmModule.forFeature([Import])] })
export class ImportsModule {}
