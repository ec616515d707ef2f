import { Injectable, NotFoundException } from '@nestjs/common';
import { ListRepository } from '../lists/list.repository';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { AudienceReport, GroupCount, protect } from './small-groups';

/**
 * Aggregate reports meant to leave the service (for partners). Counts enabled subscribers only
 * (blocklisted people are not an audience); with a list, only its confirmed members.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly subscribers: SubscriberRepository,
    private readonly lists: ListRepository,
  ) {}

  /** `attribute` is already validated (letters, digits, _ and -); it is still passed as a bound parameter. */
  async audience(
    attribute: string,
    listId?: string,
  ): Promise<AudienceReport & { groupBy: string; listId: string | null }> {
    if (listId && !(await this.lists.exists(listId))) throw new NotFoundException(`List ${listId} not found`);
    const rows = await this.subscribers.countByAttributeValue(attribute, listId);
    const counts: GroupCount[] = rows.map((r) => ({
      value: r.value === null ? null : String(r.value),
      count: Number(r.count),
    }));
    return { groupBy: `attributes.${attribute}`, listId: listId ?? null, ...protect(counts) };
  }
}
