import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { CreateListDto, UpdateListDto } from './dto/list.dto';
import { ListsService } from './lists.service';

/**
 * Mailing lists. Viewers read, editors write. API keys with `subscribers:read` read; no key creates, changes or
 * deletes a list (routes without @Scopes refuse every key).
 */
@ApiTags('lists')
@ApiBearerAuth()
@Controller('api/lists')
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Post()
  create(@Body() body: CreateListDto) {
    return this.lists.create(body);
  }

  @Get()
  @Scopes('subscribers:read')
  list(@Query() query: PageQuery) {
    return this.lists.list(query);
  }

  @Get(':id')
  @Scopes('subscribers:read')
  get(@IdParam() id: string) {
    return this.lists.get(id);
  }

  @Patch(':id')
  update(@IdParam() id: string, @Body() body: UpdateListDto) {
    return this.lists.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.lists.remove(id);
  }
}
