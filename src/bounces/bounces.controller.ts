import {
  BadRequestException,
  Controller,
  HttpCode,
  Post,
  Req,
  UnsupportedMediaTypeException,
  ValidationPipe,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Scopes } from '../auth/auth.decorators';
import { BodyTypes } from '../common/body-types';
import { BouncesService } from './bounces.service';
import { BounceDto } from './dto/bounce.dto';
import { reasonOfReported } from './reason-of-reported';
import { readRawBody } from './raw-body';
import { NotAReportError, parseReport } from './report-parser';

const validation = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

@ApiTags('events')
@Controller('api/events')
export class BouncesController {
  constructor(private readonly bounces: BouncesService) {}

  /**
   * A bounce or complaint: normalised JSON, or any raw bounce or complaint message as `message/rfc822` (a DSN
   * per RFC 3464, an ARF report per RFC 5965, or the plain-text bounces MTAs and providers send; up to 10 MB, of
   * which the first 5,000 lines are read; `multipart/report` with the report's boundary also works). A message
   * that is no bounce (an auto-reply, a delivery notice) gives `results: []`. A report naming more than 100
   * recipients, or a message the parser cannot read, is a 400.
   */
  @Post('bounces')
  @HttpCode(200)
  @Scopes('events:ingest')
  @BodyTypes('application/json', 'message/rfc822', 'multipart/report')
  @ApiBody({ type: BounceDto })
  @ApiOkResponse({
    schema: {
      example: {
        results: [
          { email: 'ada@example.com', type: 'hard', reason: 'user-unknown', messageId: null, suppressed: true },
        ],
      },
    },
  })
  async ingest(@Req() req: Request) {
    if (req.is('message/rfc822') || req.is('multipart/report')) {
      const body = await readRawBody(req);
      // A bare multipart/report body lacks its own header: the request's Content-Type is it.
      const raw = req.is('multipart/report')
        ? Buffer.concat([Buffer.from(`Content-Type: ${req.get('content-type')}\r\n\r\n`), body])
        : body;
      try {
        return await this.bounces.applyReport(await parseReport(raw));
      } catch (e) {
        if (e instanceof NotAReportError) throw new BadRequestException(`body: ${e.message}`);
        throw e;
      }
    }
    if (!req.is('application/json')) {
      throw new UnsupportedMediaTypeException(
        'Send application/json ({email, type, messageId?, detail?}) or a raw DSN/ARF as message/rfc822',
      );
    }
    const dto = (await validation.transform(req.body ?? {}, { type: 'body', metatype: BounceDto })) as BounceDto;
    const reason = reasonOfReported(dto.type, dto.detail);
    return { results: [await this.bounces.apply({ ...dto, reason, source: 'api' })] };
  }
}
