import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/auth.decorators';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { UpdateProfileDto } from './dto/profile.dto';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** The people who work in the service; admins only, except `me`: every signed-in user reads and sets their own. */
@ApiTags('users')
@ApiBearerAuth()
@MinRole('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list() {
    return this.users.list();
  }

  /** The caller's own account with their time zone (dates in the admin are shown in it). */
  @Get('me')
  @MinRole('viewer')
  me(@CurrentPrincipal() who: Principal) {
    return this.users.profile(who.id);
  }

  /** Sets the caller's time zone: an IANA name (400 naming the value otherwise), answered as Intl spells it. */
  @Patch('me')
  @MinRole('viewer')
  async updateMe(@CurrentPrincipal() who: Principal, @Body() body: UpdateProfileDto) {
    await this.users.setTimeZone(who.id, body.timeZone);
    return this.users.profile(who.id);
  }

  @Post()
  create(@Body() body: CreateUserDto) {
    return this.users.create(body.email, body.password, body.role);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto) {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.remove(id);
  }
}
