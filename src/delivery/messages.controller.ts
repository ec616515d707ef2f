import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessagesService } from './messages.service';

/** The message log: every message of both streams with its status and events (viewers and up). */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('api/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  list(@Query() query: ListMessagesQuery) {
    return this.messages.list(query);
  }

  /** The order system may follow the messages it asked for with its transactional key. */
  @Get(':id')
  @Scopes('transactional:send')
  get(@IdParam() id: string) {
    return this.messages.get(id);
  }
}
