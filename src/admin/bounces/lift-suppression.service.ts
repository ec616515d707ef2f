import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { SoftBounceRepository } from '../../bounces/soft-bounce.repository';
import { Transactions } from '../../database/transaction';
import { suppressionHashes } from '../../delivery/suppression.service';
import { SuppressionRepository } from '../../delivery/suppression.repository';
import { AdminUser } from '../session/admin-user';

/**
 * An admin takes an address off the suppression list (a bounce read wrong, a reader who fixed their mailbox), so
 * campaigns mail it again; its soft-bounce run starts afresh. An erased person's entry is for good and stays.
 * Each lift is an audit record on the 'AdminAudit' log: who, when (the log line's time), which hash, and why;
 * never the address.
 */
@Injectable()
export class LiftSuppressionService {
  private readonly audit = new Logger('AdminAudit');

  constructor(
    private readonly transactions: Transactions,
    private readonly suppressions: SuppressionRepository,
    private readonly softBounces: SoftBounceRepository,
  ) {}

  async lift(email: string, why: string, by: AdminUser): Promise<void> {
    const hashes = suppressionHashes(email);
    const row = await this.suppressions.findAmong(hashes);
    if (!row) throw new NotFoundException('This address is not on the suppression list');
    if (row.reason === 'erased')
      throw new ConflictException(
        'This person erased their data: their address stays suppressed for good and cannot be lifted',
      );
    await this.transactions.run(async (tx) => {
      await this.suppressions.deleteAmong(hashes, tx);
      await this.softBounces.deleteAmong(hashes, tx);
    });
    this.audit.log(
      {
        action: 'suppression-lifted',
        by: { id: by.id, email: by.email, role: by.role },
        at: new Date().toISOString(),
        emailHash: row.emailHash,
        previousReason: row.reason,
        why,
      },
      'an admin lifted a suppression',
    );
  }
}
