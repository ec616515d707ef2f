import { BadRequestException, Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/auth.decorators';
import { NO_CONTROL_CHARS } from '../subscribers/dto/subscriber-fields';
import { IDEMPOTENCY_KEY_MAX, OrderEventDto, SendMessageDto } from './dto/send-message.dto';
import { TransactionalService } from './transactional.service';
import { OrdersService } from '../orders/orders.service';
import { AutomationTriggers } from '../automations/automation-triggers.service';

/** Mail the order system asks for: 202 once the message is validated and queued, before SMTP is touched. */
@ApiTags('transactional')
@ApiBearerAuth()
@Scopes('transactional:send')
@Controller('api')
export class TransactionalController {
  constructor(
    private readonly transactional: TransactionalService,
    private readonly orders: OrdersService,
    private readonly automations: AutomationTriggers,
  ) {}

  @Post('transactional/messages')
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  send(@Body() body: SendMessageDto, @Headers('idempotency-key') header?: string) {
    const idempotencyKey = body.idempotencyKey ?? headerKey(header);
    return this.transactional.queue(
      { template: body.template, to: body.to, data: body.data ?? {}, idempotencyKey },
      'data',
    );
  }

  /**
   * `order-<status>` with `{customer, order}`; the key `order:<orderId>:<status>` makes a repeated event harmless.
   * Once the mail is queued (so a refused event records nothing) the order history is updated.
   */
  @Post('orders/events')
  @HttpCode(202)
  async orderEvent(@Body() body: OrderEventDto) {
    const queued = await this.transactional.queue(
      {
        template: `order-${body.status}`,
        to: body.customer,
        data: { customer: { email: body.customer.email, name: body.customer.name }, order: body.order },
        idempotencyKey: `order:${body.orderId}:${body.status}`,
      },
      '',
    );
    await this.orders.record(body);
    await this.automations.orderEvent(body.status, body.customer.email);
    return queued;
  }
}

function headerKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > IDEMPOTENCY_KEY_MAX || !NO_CONTROL_CHARS.test(value)) {
    throw new BadRequestException(
      `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX} characters without control characters`,
    );
  }
  return value;
}
