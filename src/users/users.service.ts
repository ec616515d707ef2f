import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { canonicalTimeZone } from '../common/zoned-time';
import { Transactions, Tx } from '../database/transaction';
import { AppConfig } from '../config/app-config';
import { hashPassword } from './password';
import { Role } from './roles';
import { User, UserRepository } from './user.repository';
import { isUniqueViolation } from '../database/unique-violation';

export interface UserView {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
}

/** A user's own view of their account (`GET /api/users/me`). */
export interface ProfileView extends UserView {
  timeZone: string;
}

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt };
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly transactions: Transactions,
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
    return this.users.findByEmail(email.trim().toLowerCase());
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async list(): Promise<UserView[]> {
    return (await this.users.oldestFirst()).map(toUserView);
  }

  async create(email: string, password: string, role: Role): Promise<UserView> {
    const key = email.trim().toLowerCase();
    if (await this.users.existsWithEmail(key)) throw new ConflictException(`A user with email ${key} already exists`);
    try {
      const user = await this.users.insert({ email: key, passwordHash: await hashPassword(password), role });
      return toUserView(user);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`A user with email ${key} already exists`);
      throw e;
    }
  }

  async update(id: string, changes: { password?: string; role?: Role }): Promise<UserView> {
    // Hashing is slow: done before the transaction so it holds no lock meanwhile.
    const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
    return this.transactions.run(async (tx) => {
      const user = await this.users.findById(id, tx);
      if (!user) throw new NotFoundException(`User ${id} not found`);
      if (changes.role && user.role === 'admin' && changes.role !== 'admin') await this.assertAnotherAdmin(tx, id);
      if (changes.role) user.role = changes.role;
      if (passwordHash) {
        user.passwordHash = passwordHash;
        // Whoever knew the old password is signed out everywhere.
        user.sessionEpoch += 1;
      }
      return toUserView(await this.users.save(user, tx));
    });
  }

  async profile(id: string): Promise<ProfileView> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return { ...toUserView(user), timeZone: user.timeZone };
  }

  /** The user's own time zone (profile): an IANA name Intl knows, stored as Intl spells it; answers it. */
  async setTimeZone(id: string, zone: string): Promise<string> {
    const canonical = canonicalTimeZone(zone.trim());
    if (!canonical)
      throw new BadRequestException(`timeZone must be a time zone name such as Europe/Berlin; ${zone} is not one`);
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    user.timeZone = canonical;
    await this.users.save(user);
    return canonical;
  }

  /** Ends every admin session and access token of the user (signing out signs out everywhere). */
  async endSessions(id: string): Promise<void> {
    await this.users.bumpSessionEpoch(id);
  }

  async remove(id: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const user = await this.users.findById(id, tx);
      if (!user) throw new NotFoundException(`User ${id} not found`);
      if (user.role === 'admin') await this.assertAnotherAdmin(tx, id);
      await this.users.delete(id, tx);
    });
  }

  /** The service must never be left without an admin (the admin rows stay locked until `tx` ends). */
  private async assertAnotherAdmin(tx: Tx, exceptId: string): Promise<void> {
    const admins = await this.users.lockedAdmins(tx);
    if (!admins.some((a) => a.id !== exceptId))
      throw new ConflictException('The last admin cannot be removed or demoted');
  }
}
