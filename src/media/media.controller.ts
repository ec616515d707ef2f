import { Controller, Delete, Get, HttpCode, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { BodyTypes } from '../common/body-types';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { MediaService } from './media.service';
import { mediaFileInterceptor, MediaUploadErrors, requireFile } from './media-upload';
import { MediaDeleteQuery } from './media-delete.query';
import { MediaView } from './media.view';

/**
 * The media library's API. Like templates, for signed-in users only (no API-key scope): viewers list, editors
 * upload and delete.
 */
@ApiTags('media')
@ApiBearerAuth()
@Controller('api/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  /**
   * A PNG, JPEG, GIF or WebP image of at most 10 MB and 8000×8000 pixels, resized to at most 1200 px on its longest
   * side, without metadata. The same image uploaded again answers the entry already stored.
   */
  @Post()
  @BodyTypes('multipart/form-data')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiCreatedResponse({ type: MediaView })
  @UseInterceptors(MediaUploadErrors, mediaFileInterceptor())
  upload(@UploadedFile() file: Express.Multer.File | undefined, @CurrentPrincipal() who?: Principal) {
    return this.media.upload(requireFile(file), who?.id ?? null);
  }

  /** Newest first: `{items, total, page, limit}`. */
  @Get()
  list(@Query() query: PageQuery) {
    return this.media.list(query);
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.media.get(id);
  }

  /**
   * 204; 409 naming the campaigns and templates whose mail shows the image. Shown only by draft campaigns or by
   * earlier versions of templates, it is a 409 warning naming them (`forceable: true`) that `?force=true` overrides.
   */
  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string, @Query() query: MediaDeleteQuery) {
    return this.media.remove(id, query.force === 'true');
  }
}
