import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Order } from './order.entity';
import { OrderRepository } from './order.repository';
import { OrdersService } from './orders.service';

/**
 * The order history kept from the shop's order events: recorded by the order-event route (src/transactional),
 * shown on a subscriber's admin page, exported and erased with the person, and read by segments (`ordered`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Order])],
  providers: [OrderRepository, OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
