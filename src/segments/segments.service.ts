import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Page, PageQuery } from '../common/pagination';
import type { SqlCondition } from '../database/sql-condition';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { CreateSegmentDto, SegmentRulesDto, UpdateSegmentDto } from './dto/segment.dto';
import { Match, parseRules, RuleInput } from './segment-rules';
import { Segment, SegmentRepository } from './segment.repository';
import { SegmentSnapshotRepository } from './segment-snapshot.repository';

export interface SegmentView {
  id: string;
  name: string;
  match: Match;
  rules: RuleInput[];
  createdAt: Date;
  updatedAt: Date;
}

/** Who matches some rules right now: how many, and the newest few. */
export interface SegmentPreview {
  count: number;
  people: { id: string; email: string; name: string; createdAt: Date }[];
}

/**
 * The people of an audience a segment matched at one moment (see SegmentSnapshotRepository), read in subscriber-id
 * order; `drop` forgets it, and must be called when the reading is over.
 */
export interface SegmentSnapshot {
  next(after: string | null, limit: number): Promise<string[]>;
  drop(): Promise<void>;
}

/** People shown by a preview. */
export const PREVIEW_PEOPLE = 20;

/**
 * Saved segments, and who matches them. A segment matches subscribers of any status; a campaign's audience
 * (AudienceService) adds its own rules on top (its lists' confirmed members, enabled, not suppressed).
 */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly segments: SegmentRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly snapshots: SegmentSnapshotRepository,
  ) {}

  async create(body: CreateSegmentDto): Promise<SegmentView> {
    parseRules(body.rules);
    return viewOf(await this.segments.create({ name: body.name.trim(), match: body.match, rules: body.rules }));
  }

  async list(query: PageQuery): Promise<Page<SegmentView>> {
    const [rows, total] = await this.segments.page((query.page - 1) * query.limit, query.limit);
    return { items: rows.map(viewOf), total, page: query.page, limit: query.limit };
  }

  names(): Promise<{ id: string; name: string }[]> {
    return this.segments.names();
  }

  async get(id: string): Promise<SegmentView> {
    return viewOf(await this.find(id));
  }

  async update(id: string, body: UpdateSegmentDto): Promise<SegmentView> {
    const segment = await this.find(id);
    if (body.rules !== undefined) parseRules(body.rules);
    if (body.name !== undefined) segment.name = body.name.trim();
    if (body.match !== undefined) segment.match = body.match;
    if (body.rules !== undefined) segment.rules = body.rules;
    return viewOf(await this.segments.save(segment));
  }

  /** 409 while a campaign uses it: its audience would otherwise silently become the whole of its lists. */
  async remove(id: string): Promise<void> {
    const outcome = await this.segments.delete(id);
    if (outcome === 'in use')
      throw new ConflictException('This segment is used by a campaign; change the campaign first');
    if (outcome === 'none') throw new NotFoundException('Segment not found');
  }

  async count(id: string): Promise<{ count: number }> {
    const segment = await this.find(id);
    return { count: await this.subscribers.countMatching(this.conditionOfRules(segment)) };
  }

  /** Count and newest people for rules not saved yet (the builder's live count). */
  async preview(body: SegmentRulesDto): Promise<SegmentPreview> {
    const condition = this.conditionOfRules(body);
    const [count, people] = await Promise.all([
      this.subscribers.countMatching(condition),
      this.subscribers.newestMatching(condition, PREVIEW_PEOPLE),
    ]);
    return { count, people: people.map((p) => ({ id: p.id, email: p.email, name: p.name, createdAt: p.createdAt })) };
  }

  /** A saved segment as a condition on subscriber `s` (for a campaign's audience); 400 if its id is unknown. */
  async conditionOf(id: string): Promise<SqlCondition> {
    return this.conditionOfRules(await this.find(id));
  }

  /**
   * The enabled, confirmed members of `listIds` that a saved segment matches now, matched once (one INSERT …
   * SELECT) for a whole resolve instead of once per page; 404 if its id is unknown.
   */
  async snapshot(id: string, listIds: string[]): Promise<SegmentSnapshot> {
    const snapshotId = await this.snapshots.take(await this.conditionOf(id), listIds);
    return {
      next: (after, limit) => this.snapshots.next(snapshotId, after, limit),
      drop: () => this.snapshots.drop(snapshotId),
    };
  }

  async exists(id: string): Promise<boolean> {
    return (await this.segments.findById(id)) !== null;
  }

  private conditionOfRules(s: { rules: RuleInput[]; match: Match }): SqlCondition {
    return this.segments.conditionOf(parseRules(s.rules), s.match);
  }

  private async find(id: string): Promise<Segment> {
    const found = await this.segments.findById(id);
    if (!found) throw new NotFoundException('Segment not found');
    return found;
  }
}

function viewOf(s: Segment): SegmentView {
  return { id: s.id, name: s.name, match: s.match, rules: s.rules, createdAt: s.createdAt, updatedAt: s.updatedAt };
}
