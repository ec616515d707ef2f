import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { CreateSegmentDto, SegmentRulesDto, UpdateSegmentDto } from './dto/segment.dto';
import { SegmentsService } from './segments.service';

/**
 * Segments: saved rules on subscribers. Viewers read and preview, editors write; no API key reaches them.
 * A rule that cannot be used is a 400 naming it (`rules[2]: …`).
 */
@ApiTags('segments')
@ApiBearerAuth()
@Controller('api/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  create(@Body() body: CreateSegmentDto) {
    return this.segments.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.segments.list(query);
  }

  /** Rules not saved yet: how many match and the newest of them (the builder's live count). Changes nothing. */
  @Post('preview')
  @HttpCode(200)
  @MinRole('viewer')
  @ApiOkResponse({ description: '{count, people: [{id, email, name, createdAt}]}' })
  preview(@Body() body: SegmentRulesDto) {
    return this.segments.preview(body);
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.segments.get(id);
  }

  @Get(':id/count')
  @ApiOkResponse({ description: '{count}: the subscribers (of any status) that match now' })
  count(@IdParam() id: string) {
    return this.segments.count(id);
  }

  @Patch(':id')
  update(@IdParam() id: string, @Body() body: UpdateSegmentDto) {
    return this.segments.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.segments.remove(id);
  }
}
