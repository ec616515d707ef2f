import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './database.options';

/** The standalone data source for TypeORM's CLI (npm run migration:run). */
export default new DataSource(dataSourceOptions(loadConfig().database));
