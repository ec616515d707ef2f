import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { MulterOptions } from '@nestjs/platform-express/multer/interfaces/multer-options.interface';
import { catchError, Observable } from 'rxjs';
import { MEDIA_LIMITS } from './media-limits';

/** multer keeps the image in memory (at most 10 MB): it is decoded from there and never written as it came. */
export const MEDIA_MULTER: MulterOptions = {
  limits: { fileSize: MEDIA_LIMITS.maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
};

/** FileInterceptor for the `file` field, with options (the admin's CSRF file filter). */
export const mediaFileInterceptor = (options: MulterOptions = {}) =>
  FileInterceptor('file', { ...MEDIA_MULTER, ...options });

/** multer's refusals in words an uploader understands (it says "File too large" and "Unexpected field"). */
@Injectable()
export class MediaUploadErrors implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof PayloadTooLargeException && /file too large/i.test(err.message))
          throw new PayloadTooLargeException(
            `file is larger than ${MEDIA_LIMITS.maxBytes / 1024 / 1024} MB, the most an image may be`,
          );
        if (err instanceof HttpException && /unexpected (file )?field|too many (files|parts|fields)/i.test(err.message))
          throw new BadRequestException('send one image as the multipart field "file", and nothing else');
        throw err;
      }),
    );
  }
}

/**
 * The file's name as the browser sent it. busboy reads multipart names as Latin-1, so "café.jpg" arrives as
 * "cafÃ©.jpg": read back as UTF-8 when those bytes are valid UTF-8.
 */
export function uploadedName(file: Express.Multer.File): string {
  const bytes = Buffer.from(file.originalname ?? '', 'latin1');
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : (file.originalname ?? '');
}

/** The upload, or a 400 saying how to send it. */
export function requireFile(file: Express.Multer.File | undefined): { buffer: Buffer; originalname: string } {
  if (!file) throw new BadRequestException('file is required: send the image as the multipart field "file"');
  return { buffer: file.buffer, originalname: uploadedName(file) };
}
