import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { BodyTypes } from '../common/body-types';
import { Scopes } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { CreateImportBody, CreateImportDto } from './dto/create-import.dto';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ImportsService } from './imports.service';
import { DeleteUploadOnError } from './upload';

/** CSV imports: editors (or API keys with `subscribers:write`) upload; viewers (or keys with `subscribers:read`) follow the progress. */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** 202 {id}: the file is read by a background job; follow it with GET /api/imports/:id. */
  @Post()
  @Scopes('subscribers:write')
  @HttpCode(202)
  @BodyTypes('multipart/form-data')
  @ApiBody({ type: CreateImportBody })
  @UseInterceptors(FileInterceptor('file'), DeleteUploadOnError)
  create(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: CreateImportDto,
    @CurrentPrincipal() who?: Principal,
  ) {
    if (!file) throw new BadRequestException('file is required: send the CSV as the multipart field "file"');
    return this.imports.create(file, body, who ? importerName(who) : null);
  }

  @Get()
  @Scopes('subscribers:read')
  list(@Query() query: PageQuery) {
    return this.imports.list(query);
  }

  @Get(':id')
  @Scopes('subscribers:read')
  get(@IdParam() id: string) {
    return this.imports.get(id);
  }
}

/** Who started an import, as its consent records name them: a user's email, or the API key's name. */
function importerName(who: Principal): string {
  return who.kind === 'user' ? who.email : `API key ${who.name}`;
}
