import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Tx } from '../database/transaction';
import { Role } from './roles';
import { User } from './user.entity';

export type { User } from './user.entity';

/** The users table: the people who work in the service. Emails are stored lower-case. */
@Injectable()
export class UserRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  count(): Promise<number> {
    return this.users.count();
  }

  /** `email` must already be lower-case (the key it is stored under). */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email } });
  }

  existsWithEmail(email: string): Promise<boolean> {
    return this.users.exist({ where: { email } });
  }

  findById(id: string, tx?: Tx): Promise<User | null> {
    const m = tx ?? this.dataSource.manager;
    return m.getRepository(User).findOne({ where: { id } });
  }

  oldestFirst(): Promise<User[]> {
    return this.users.find({ order: { createdAt: 'ASC' } });
  }

  insert(user: { email: string; passwordHash: string; role: Role }): Promise<User> {
    return this.users.save(this.users.create(user));
  }

  /** Writes the changed fields of a loaded user back. */
  save(user: User, tx?: Tx): Promise<User> {
    const m = tx ?? this.dataSource.manager;
    return m.getRepository(User).save(user);
  }

  async delete(id: string, tx?: Tx): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    await m.getRepository(User).delete({ id });
  }

  /** Ends every admin session and access token of the user: they name the epoch they were issued in. */
  async bumpSessionEpoch(id: string): Promise<void> {
    await this.users.increment({ id }, 'sessionEpoch', 1);
  }

  /**
   * Every admin, read inside `tx`. On PostgreSQL the admin rows are locked, so two admins demoting each other at
   * the same moment cannot both succeed (SQLite runs one writer at a time).
   */
  lockedAdmins(tx: Tx): Promise<User[]> {
    return tx.getRepository(User).find({
      where: { role: 'admin' },
      lock: tx.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' } : undefined,
    });
  }
}
