import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { ListSubscribersQuery } from './dto/list-subscribers.query';
import { CreateSubscriberDto, UpdateSubscriberDto } from './dto/subscriber.dto';
import { SubscribersService } from './subscribers.service';

/**
 * Subscribers. Viewers read, editors write. API keys: `subscribers:read` reads, `subscribers:write` creates and
 * changes (unsubscribing included); deleting is for signed-in staff only.
 */
@ApiTags('subscribers')
@ApiBearerAuth()
@Controller('api/subscribers')
export class SubscribersController {
  constructor(private readonly subscribers: SubscribersService) {}

  @Post()
  @Scopes('subscribers:write')
  create(@Body() body: CreateSubscriberDto) {
    return this.subscribers.create(body);
  }

  @Get()
  @Scopes('subscribers:read')
  list(@Query() query: ListSubscribersQuery) {
    return this.subscribers.list(query);
  }

  @Get(':id')
  @Scopes('subscribers:read')
  get(@IdParam() id: string) {
    return this.subscribers.view(id);
  }

  @Patch(':id')
  @Scopes('subscribers:write')
  update(@IdParam() id: string, @Body() body: UpdateSubscriberDto) {
    return this.subscribers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.subscribers.remove(id);
  }
}
