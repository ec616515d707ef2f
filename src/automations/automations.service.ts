import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { CampaignContentService } from '../campaigns/campaign-content.service';
import { Page } from '../common/pagination';
import { Transactions, Tx } from '../database/transaction';
import { ListsService } from '../lists/lists.service';
import { Automation, AutomationRepository, AutomationStatus, AutomationStep } from './automation.repository';
import { AutomationView, toAutomationView } from './automation.view';
import { AutomationStepDto, CreateAutomationDto, UpdateAutomationDto } from './dto/automation.dto';
import { EnrolmentRepository } from './enrolment.repository';
import { AutomationTriggers } from './automation-triggers.service';

/**
 * Automations as the API and the admin UI edit them. Each step's content is resolved when saved, as a campaign's
 * is: a stored template's current version, or inline MJML saved as a version of no template (400 when it cannot
 * render). A stopped automation stays stopped: its people left; make a new one to start again.
 */
@Injectable()
export class AutomationsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly automations: AutomationRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly lists: ListsService,
    private readonly content: CampaignContentService,
    private readonly triggers: AutomationTriggers,
  ) {}

  async create(dto: CreateAutomationDto): Promise<AutomationView> {
    const listIds = await this.listIdsOf(dto.trigger.listIds ?? dto.listIds);
    const days = triggerDaysOf(dto.trigger.event, dto.trigger.days);
    const saved = await this.transactions.run(async (tx) =>
      this.automations.create(
        {
          name: dto.name,
          triggerEvent: dto.trigger.event,
          listIds,
          triggerDays: days,
          steps: await this.stepsOf(dto.steps, tx),
          status: dto.status ?? 'active',
        },
        tx,
      ),
    );
    this.triggers.forget();
    return toAutomationView(saved);
  }

  async list(page: number, limit: number): Promise<Page<AutomationView>> {
    const [rows, total] = await this.automations.page((page - 1) * limit, limit);
    return { items: rows.map(toAutomationView), total, page, limit };
  }

  async get(id: string): Promise<AutomationView> {
    return toAutomationView(await this.find(id));
  }

  async update(id: string, dto: UpdateAutomationDto): Promise<AutomationView> {
    const saved = await this.transactions.run(async (tx) => {
      const a = await this.automations.findById(id, tx);
      if (!a) throw new NotFoundException(`Automation ${id} not found`);
      if (a.status === 'stopped' && dto.status && dto.status !== 'stopped')
        throw new BadRequestException('status: a stopped automation cannot be started again; create a new one');
      if (dto.name !== undefined) a.name = dto.name;
      if (dto.trigger?.event !== undefined) a.triggerEvent = dto.trigger.event;
      const listIds = dto.trigger?.listIds ?? dto.listIds;
      if (listIds !== undefined) a.listIds = await this.listIdsOf(listIds, tx);
      a.triggerDays = triggerDaysOf(
        a.triggerEvent,
        dto.trigger?.days ?? (dto.trigger?.event === undefined ? (a.triggerDays ?? undefined) : undefined),
      );
      if (dto.steps) a.steps = await this.stepsOf(dto.steps, tx);
      if (dto.status) await this.setStatus(a, dto.status, tx);
      return this.automations.save(a, tx);
    });
    this.triggers.forget();
    return toAutomationView(saved);
  }

  /** Pause, resume (active) or stop. */
  async changeStatus(id: string, status: AutomationStatus): Promise<AutomationView> {
    return this.update(id, { status });
  }

  async remove(id: string): Promise<void> {
    if (!(await this.automations.delete(id))) throw new NotFoundException(`Automation ${id} not found`);
    this.triggers.forget();
  }

  async find(id: string): Promise<Automation> {
    const a = await this.automations.findById(id);
    if (!a) throw new NotFoundException(`Automation ${id} not found`);
    return a;
  }

  private async setStatus(a: Automation, status: AutomationStatus, tx: Tx): Promise<void> {
    // Stopping is final: everyone still waiting for a step leaves now.
    if (status === 'stopped' && a.status !== 'stopped') await this.enrolments.leaveAll(a.id, 'automation stopped', tx);
    a.status = status;
  }

  /** Consent is the list's: at least one list, each of which exists. */
  private async listIdsOf(listIds: string[] | undefined, tx?: Tx): Promise<string[]> {
    if (!listIds?.length) throw new BadRequestException(['trigger.listIds must name at least one list']);
    return (await this.lists.assertListsExist(listIds, tx)).map((l) => l.id);
  }

  private async stepsOf(steps: AutomationStepDto[], tx: Tx): Promise<AutomationStep[]> {
    const out: AutomationStep[] = [];
    for (const [i, s] of steps.entries()) {
      if (s.templateId && s.mjml) throw new BadRequestException([`steps.${i}: give templateId or mjml, not both`]);
      if (!s.templateId && !s.mjml) throw new BadRequestException([`steps.${i}: templateId or mjml is required`]);
      const templateVersionId = await this.content.versionFor(
        tx,
        { templateId: s.templateId, mjml: s.mjml },
        s.subject,
      );
      out.push({
        delayHours: s.delayHours,
        subject: s.subject,
        templateId: s.templateId ?? null,
        mjml: s.mjml ?? null,
        templateVersionId,
        sunsetAfterHours: s.sunsetAfterHours ?? null,
      });
    }
    return out;
  }
}

/** `inactive` needs its days; no other trigger takes them. */
function triggerDaysOf(event: string, days: number | undefined): number | null {
  if (event === 'inactive') {
    if (days === undefined) throw new BadRequestException(['trigger.days is required for the inactive trigger']);
    return days;
  }
  if (days !== undefined) throw new BadRequestException(['trigger.days goes only with the inactive trigger']);
  return null;
}
