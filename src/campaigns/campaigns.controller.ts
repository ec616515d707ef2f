import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto, SendCampaignDto, TestCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

/** Campaigns (the promotional stream). Viewers read; editors write and send. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  create(@Body() body: CreateCampaignDto) {
    return this.campaigns.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.campaigns.list(query);
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  update(@IdParam() id: string, @Body() body: UpdateCampaignDto) {
    return this.campaigns.update(id, body);
  }

  /** 201 the new draft, "Copy of …": same content, audience and settings; no schedule, sends or stats. */
  @Post(':id/clone')
  clone(@IdParam() id: string) {
    return this.campaigns.clone(id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.campaigns.remove(id);
  }

  @Post(':id/test')
  @HttpCode(202)
  test(@IdParam() id: string, @Body() body: TestCampaignDto) {
    return this.campaigns.test(id, body.emails);
  }

  @Post(':id/send')
  @HttpCode(202)
  send(@IdParam() id: string, @Body() body: SendCampaignDto) {
    return this.campaigns.send(id, body);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@IdParam() id: string) {
    return this.campaigns.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@IdParam() id: string) {
    return this.campaigns.resume(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@IdParam() id: string) {
    return this.campaigns.cancel(id);
  }
}
