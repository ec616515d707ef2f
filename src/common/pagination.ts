import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The highest page asked for. Past it, `(page - 1) * limit` no longer fits an SQL OFFSET (`?page=1e300`
 * was a 500, "bigint out of range"); no list here has a billion entries.
 */
export const MAX_PAGE = 1_000_000;

/** `?page=&limit=`: pages count from 1; a page that is not a whole number from 1 to MAX_PAGE is a 400. */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}
