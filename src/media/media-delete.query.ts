import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `DELETE /api/media/:id?force=true`: delete an image that only drafts or templates' earlier versions show. */
export class MediaDeleteQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: delete even though draft campaigns or earlier template versions show the image',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'force must be true or false' })
  force?: 'true' | 'false';
}
