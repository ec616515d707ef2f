import { ConflictException, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { AppConfig } from '../config/app-config';
import { hashPassword } from './password';
import { Role, User } from './user.entity';
import { isUniqueViolation } from '../database/unique-violation';

export interface UserView {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
}

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt };
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The first admin comes from ADMIN_EMAIL/ADMIN_PASSWORD when no user exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    if (!this.config.admin) {
      this.logger.warn(
        'No user can sign in yet: set ADMIN_EMAIL and ADMIN_PASSWORD, or run: npm run cli -- create-admin --email <address>',
      );
      return;
    }
    await this.create(this.config.admin.email, this.config.admin.password, 'admin').catch((e) => {
      if (!(e instanceof ConflictException)) throw e; // another process created it first
    });
    this.logger.log({ email: this.config.admin.email }, 'created the first admin from ADMIN_EMAIL');
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email: email.trim().toLowerCase() } });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  async list(): Promise<UserView[]> {
    return (await this.users.find({ order: { createdAt: 'ASC' } })).map(toUserView);
  }

  async create(email: string, password: string, role: Role): Promise<UserView> {
    const key = email.trim().toLowerCase();
    if (await this.users.exist({ where: { email: key } }))
      throw new ConflictException(`A user with email ${key} already exists`);
    try {
      const user = await this.users.save(
        this.users.create({ email: key, passwordHash: await hashPassword(password), role }),
      );
      return toUserView(user);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`A user with email ${key} already exists`);
      throw e;
    }
  }

  async update(id: string, changes: { password?: string; role?: Role }): Promise<UserView> {
    // Hashing is slow: done before the transaction so it holds no lock meanwhile.
    const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
    return inTransaction(this.dataSource, async (m) => {
      const user = await m.getRepository(User).findOne({ where: { id } });
      if (!user) throw new NotFoundException(`User ${id} not found`);
      if (changes.role && user.role === 'admin' && changes.role !== 'admin') await this.assertAnotherAdmin(m, id);
      if (changes.role) user.role = changes.role;
      if (passwordHash) {
        user.passwordHash = passwordHash;
        // Whoever knew the old password is signed out everywhere.
        user.sessionEpoch += 1;
      }
      return toUserView(await m.getRepository(User).save(user));
    });
  }

  /** Ends every admin session and access token of the user (signing out signs out everywhere). */
  async endSessions(id: string): Promise<void> {
    await this.users.increment({ id }, 'sessionEpoch', 1);
  }

  async remove(id: string): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const user = await m.getRepository(User).findOne({ where: { id } });
      if (!user) throw new NotFoundException(`User ${id} not found`);
      if (user.role === 'admin') await this.assertAnotherAdmin(m, id);
      await m.getRepository(User).delete({ id });
    });
  }

  /**
   * The service must never be left without an admin. On PostgreSQL the admin rows are locked, so two
   * admins demoting each other at the same moment cannot both succeed (SQLite runs one writer at a time).
   */
  private async assertAnotherAdmin(m: EntityManager, exceptId: string): Promise<void> {
    const admins = await m.getRepository(User).find({
      where: { role: 'admin' },
      lock: m.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!admins.some((a) => a.id !== exceptId))
      throw new ConflictException('The last admin cannot be removed or demoted');
  }
}
