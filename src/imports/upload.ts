import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { MulterModuleOptions } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from 'express';
import { diskStorage } from 'multer';
import { catchError, Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';

/** Larger uploads are refused with 413. A million rows with a few attributes is about 60 MB. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Uploads go straight to disk under dataDir/uploads, never into memory, under a name of our own. */
export function uploadOptions(config: AppConfig): MulterModuleOptions {
  const destination = join(config.dataDir, 'uploads');
  mkdirSync(destination, { recursive: true });
  return {
    storage: diskStorage({ destination, filename: (_req, _file, done) => done(null, `${randomUUID()}.csv`) }),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
  };
}

/** Deletes the uploaded file when the request fails after the upload (validation, unknown list, not CSV). */
@Injectable()
export class DeleteUploadOnError implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      catchError(async (err) => {
        if (req.file) await rm(req.file.path, { force: true });
        throw err;
      }),
    );
  }
}
