import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/id-param';
import { AbTestStatsService, CampaignStatsWithVariants } from '../ab-tests/ab-test-stats.service';

/** A campaign's numbers, for every role (viewers included). Aggregates only. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignStatsController {
  constructor(private readonly stats: AbTestStatsService) {}

  /** An A/B test's add `variants` (each one's sends, opens, clicks, and the winner) and `abTest`. */
  @Get(':id/stats')
  get(@IdParam() id: string): Promise<CampaignStatsWithVariants> {
    return this.stats.stats(id);
  }
}
