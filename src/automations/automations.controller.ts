import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { AutomationStatsService } from './automation-stats.service';
import { AutomationsService } from './automations.service';
import { CreateAutomationDto, UpdateAutomationDto } from './dto/automation.dto';

/** Automations: a trigger and a series of mails. Viewers read; editors write. */
@ApiTags('automations')
@ApiBearerAuth()
@Controller('api/automations')
export class AutomationsController {
  constructor(
    private readonly automations: AutomationsService,
    private readonly stats: AutomationStatsService,
  ) {}

  @Post()
  create(@Body() body: CreateAutomationDto) {
    return this.automations.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.automations.list(query.page, query.limit);
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.automations.get(id);
  }

  /** Also pauses (`status: "paused"`), resumes (`"active"`) and stops (`"stopped"`: final, everyone pending leaves). */
  @Patch(':id')
  update(@IdParam() id: string, @Body() body: UpdateAutomationDto) {
    return this.automations.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.automations.remove(id);
  }

  @Get(':id/stats')
  statsOf(@IdParam() id: string) {
    return this.stats.of(id);
  }
}
