import {
  Body,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { Response } from 'express';
import { BodyTypes } from '../../common/body-types';
import { IdParam } from '../../common/id-param';
import { isUUID } from 'class-validator';
import { MEDIA_LIMITS } from '../../media/media-limits';
import { MediaService } from '../../media/media.service';
import { mediaFileInterceptor, MediaUploadErrors, requireFile } from '../../media/media-upload';
import { MediaView } from '../../media/media.view';
import { AdminController } from '../admin-controller';
import { messageOf } from '../admin-form';
import { pageParam, pagerOf } from '../pager';
import { AdminRequest } from '../session/admin-user';
import { csrfFileFilter, CsrfInMultipartBody, MultipartCsrfCheck } from '../session/multipart-csrf';
import { AdminViews } from '../views/admin-views.service';

const PAGE_SIZE = 48;
/** What the builder's image picker gets at once: the newest images, enough for any one newsletter. */
const PICKER_SIZE = 1000;

/**
 * /admin/media: the Media page (thumbnails, copy URL, upload, delete), and the JSON routes the builder and the
 * page script use (session cookie, X-CSRF-Token header): POST /admin/media, GET /admin/media.json, DELETE /admin/media/:id.
 */
@AdminController()
export class AdminMediaController {
  constructor(
    private readonly media: MediaService,
    private readonly views: AdminViews,
  ) {}

  @Get('media')
  async index(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('page') page?: string,
    @Query('uploaded') uploaded?: string,
  ): Promise<void> {
    await this.page(req, res, pageParam(page), {}, 200, uploaded);
  }

  @Get('media.json')
  async json(@Res() res: Response): Promise<void> {
    const found = await this.media.list({ page: 1, limit: PICKER_SIZE });
    res.json({ items: found.items, total: found.total });
  }

  /**
   * 201 and the image as JSON for scripts (Accept: application/json); a form sent without script comes back to
   * the page with the result. The CSRF token comes first in the body or as the X-CSRF-Token header.
   */
  @Post('media')
  @CsrfInMultipartBody()
  @BodyTypes('multipart/form-data')
  @UseInterceptors(MediaUploadErrors, mediaFileInterceptor({ fileFilter: csrfFileFilter }), MultipartCsrfCheck)
  async upload(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @UploadedFile() file: Express.Multer.File | undefined,
  ): Promise<void> {
    if (wantsJson(req)) {
      res.status(201).json(await this.media.upload(requireFile(file), req.adminUser!.id));
      return;
    }
    try {
      const saved = await this.media.upload(requireFile(file), req.adminUser!.id);
      this.views.redirect(res, `/admin/media?uploaded=${saved.id}`);
    } catch (err) {
      if (!(err instanceof HttpException) || err.getStatus() >= 500) throw err;
      await this.page(req, res, 1, { file: messageOf(err) }, err.getStatus());
    }
  }

  /**
   * The page's delete button (it asks first). A refusal (in use) is shown on the page; a warning (only drafts or
   * templates' earlier versions show it) comes with a "Delete anyway" button that posts `force=true`.
   */
  @Post('media/:id/delete')
  async removeForm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: { force?: unknown },
  ): Promise<void> {
    const found = await this.media.get(id);
    try {
      await this.media.remove(id, body.force === 'true');
    } catch (err) {
      if (!(err instanceof HttpException) || err.getStatus() >= 500) throw err;
      const forceable = (err.getResponse() as { forceable?: boolean }).forceable === true;
      const forceDelete = forceable ? { id, name: found.name } : undefined;
      return this.page(req, res, 1, { list: messageOf(err) }, err.getStatus(), undefined, forceDelete);
    }
    this.views.redirect(res, '/admin/media', `Deleted ${found.name}`);
  }

  @Delete('media/:id')
  @HttpCode(204)
  async remove(@IdParam() id: string): Promise<void> {
    await this.media.remove(id);
  }

  private async page(
    req: AdminRequest,
    res: Response,
    page: number,
    errors: { file?: string; list?: string },
    status: number,
    uploadedId?: string,
    forceDelete?: { id: string; name: string },
  ): Promise<void> {
    const found = await this.media.list({ page, limit: PAGE_SIZE });
    const uploaded = uploadedId && isUUID(uploadedId) ? await this.media.get(uploadedId).catch(() => null) : null;
    this.views.page(req, res, 'media/index', {
      title: 'Media',
      nav: 'media',
      status,
      items: found.items.map((m) => ({ ...m, size: sizeText(m.bytes), path: pathOf(m) })),
      total: found.total,
      uploaded: uploaded && { ...uploaded, size: sizeText(uploaded.bytes) },
      errors,
      forceDelete,
      maxMegabytes: MEDIA_LIMITS.maxBytes / 1024 / 1024,
      maxSide: MEDIA_LIMITS.maxSide,
      storedSide: MEDIA_LIMITS.storedSide,
      pager: pagerOf('/admin/media', {}, page, PAGE_SIZE, found.total),
    });
  }
}

function wantsJson(req: AdminRequest): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

/** The thumbnail's address on this site (PUBLIC_URL may name another host, or a path, in front of it). */
function pathOf(m: MediaView): string {
  return `/media/${m.url.split('/').pop()}`;
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
