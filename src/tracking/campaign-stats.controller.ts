import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/id-param';
import { CampaignStats, CampaignStatsService } from './campaign-stats.service';

/** A campaign's numbers, for every role (viewers included). Aggregates only. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignStatsController {
  constructor(private readonly stats: CampaignStatsService) {}

  @Get(':id/stats')
  get(@IdParam() id: string): Promise<CampaignStats> {
    return this.stats.stats(id);
  }
}
