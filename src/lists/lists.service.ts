import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Page, PageQuery } from '../common/pagination';
import type { Tx } from '../database/transaction';
import { isUniqueViolation } from '../database/unique-violation';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import { CreateListDto, UpdateListDto } from './dto/list.dto';
import { ListRepository } from './list.repository';
import type { ListVisibility, MailingList, OptIn } from './list.repository';

export interface ListView {
  id: string;
  name: string;
  description: string | null;
  optIn: OptIn;
  visibility: ListVisibility;
  /** members who have not left: unconfirmed or confirmed */
  subscriberCount: number;
  createdAt: Date;
}

@Injectable()
export class ListsService {
  constructor(
    private readonly lists: ListRepository,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  /** 409 when another list has the same name (letter case and surrounding blanks aside). */
  async create(body: CreateListDto): Promise<ListView> {
    await this.assertNameFree(body.name);
    const list = await this.lists
      .create({
        name: body.name,
        description: body.description ?? null,
        optIn: body.optIn,
        visibility: body.visibility ?? 'public',
      })
      .catch((err: unknown) => nameTaken(err, body.name));
    return toListView(list, 0);
  }

  async list(query: PageQuery): Promise<Page<ListView>> {
    const [rows, total] = await this.lists.findPage((query.page - 1) * query.limit, query.limit);
    const counts = await this.countMembers(rows.map((l) => l.id));
    return {
      items: rows.map((l) => toListView(l, counts.get(l.id) ?? 0)),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(id: string): Promise<ListView> {
    const list = await this.find(id);
    return toListView(list, (await this.countMembers([id])).get(id) ?? 0);
  }

  async update(id: string, body: UpdateListDto): Promise<ListView> {
    const list = await this.find(id);
    if (body.name !== undefined) await this.assertNameFree(body.name, id);
    if (body.name !== undefined) list.name = body.name;
    if (body.description !== undefined) list.description = body.description;
    if (body.optIn !== undefined) list.optIn = body.optIn;
    if (body.visibility !== undefined) list.visibility = body.visibility;
    await this.lists.save(list).catch((err: unknown) => nameTaken(err, list.name));
    return this.get(id);
  }

  /** The memberships go with the list (ON DELETE CASCADE); consent records keep their history with list_id cleared. */
  async remove(id: string): Promise<void> {
    if (!(await this.lists.delete(id))) throw new NotFoundException(`List ${id} not found`);
  }

  /**
   * The lists named by `ids` (duplicates dropped, in the order given), or 400 naming the first id that is
   * not a list. Pass the transaction to check inside it.
   */
  async assertListsExist(ids: string[], tx?: Tx): Promise<MailingList[]> {
    const unique = [...new Set(ids.map((id) => (typeof id === 'string' ? id.trim().toLowerCase() : id)))];
    const malformed = unique.find((id) => !isUUID(id));
    if (malformed !== undefined)
      throw new BadRequestException(`List ${String(malformed)} does not exist (list ids are UUIDs)`);
    if (unique.length === 0) return [];
    const found = await this.lists.findByIds(unique, tx);
    const byId = new Map(found.map((l) => [l.id, l]));
    const missing = unique.find((id) => !byId.has(id));
    if (missing !== undefined) throw new BadRequestException(`List ${missing} does not exist`);
    return unique.map((id) => byId.get(id)!);
  }

  /** The check that gives the clear answer; the unique index (name_key) stops a create racing this one. */
  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const other = await this.lists.findByName(name);
    if (other && other.id !== exceptId) throw duplicateName(name, other.name);
  }

  private async find(id: string): Promise<MailingList> {
    const list = await this.lists.findById(id);
    if (!list) throw new NotFoundException(`List ${id} not found`);
    return list;
  }

  /** Members who have not left, per list: one grouped query for the lists of a page. */
  private countMembers(listIds: string[]): Promise<Map<string, number>> {
    return this.subscriptions.countActiveByList(listIds);
  }
}

function duplicateName(name: string, existing: string): ConflictException {
  return new ConflictException(
    `name: a list named "${existing}" already exists; choose another name than "${name.trim()}" (names are compared ignoring letter case and surrounding spaces)`,
  );
}

/** A write that lost the race to the unique index: the same 409 as the check before it. */
function nameTaken(err: unknown, name: string): never {
  if (isUniqueViolation(err)) throw duplicateName(name, name.trim());
  throw err;
}

export function toListView(list: MailingList, subscriberCount: number): ListView {
  return {
    id: list.id,
    name: list.name,
    description: list.description,
    optIn: list.optIn,
    visibility: list.visibility,
    subscriberCount,
    createdAt: list.createdAt,
  };
}
