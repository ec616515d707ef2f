import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/auth.decorators';
import { AudienceReportQuery } from './dto/audience-report.query';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Subscribers per value of one attribute, optionally within a list's confirmed members; groups under 5 are "<5". */
  @Get('audience')
  @MinRole('viewer')
  @ApiOkResponse({
    schema: {
      example: {
        groupBy: 'attributes.country',
        listId: null,
        groups: [
          { value: 'DE', count: 120 },
          { value: 'IS', count: '<5' },
        ],
        total: null,
        shownTotal: 120,
        hiddenGroups: 1,
      },
    },
  })
  audience(@Query() query: AudienceReportQuery) {
    return this.reports.audience(query.groupBy.slice('attributes.'.length), query.listId);
  }
}
