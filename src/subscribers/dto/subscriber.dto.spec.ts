import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { CreateSubscriberDto, UpdateSubscriberDto } from './subscriber.dto';

// The pipe exactly as bootstrap.ts installs it.
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
const asBody = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function create(body: unknown): Promise<CreateSubscriberDto> {
  return pipe.transform(body, asBody(CreateSubscriberDto));
}

async function messagesOf(
  body: unknown,
  metatype: ArgumentMetadata['metatype'] = CreateSubscriberDto,
): Promise<string[]> {
  try {
    await pipe.transform(body, asBody(metatype));
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { message: string[] }).message;
  }
  throw new Error('expected a validation error');
}

describe('CreateSubscriberDto', () => {
  it('trims the address and the name', async () => {
    const dto = await create({ email: '  Ada@Example.com\t', name: ' Ada ' });
    expect(dto.email).toBe('Ada@Example.com');
    expect(dto.name).toBe('Ada');
  });

  it('refuses line breaks instead of trimming them away', async () => {
    expect(await messagesOf({ email: 'ada@example.com\r\n' })).toContain(
      'email must not contain line breaks or other control characters',
    );
    expect(await messagesOf({ email: 'ada@example.com', name: 'Ada\n' })).toContain(
      'name must not contain line breaks or other control characters',
    );
  });

  it('keeps attributes exactly as parsed, nested values included', async () => {
    const attributes = { address: { street: '1 Main St', lines: ['a', 'b'] }, score: 1.5, opt: null, yes: true };
    const dto = await create({ email: 'a@example.com', attributes });
    expect(dto.attributes).toEqual(attributes);
    expect(Object.getPrototypeOf(dto.attributes)).toBe(Object.prototype);
  });

  it('measures attributes in bytes of JSON, not characters', async () => {
    const fits = { s: 'é'.repeat(8000) }; // 16,000 bytes + 8 of JSON punctuation
    await expect(create({ email: 'a@example.com', attributes: fits })).resolves.toBeDefined();
    const over = { s: 'é'.repeat(8200) };
    expect((await messagesOf({ email: 'a@example.com', attributes: over }))[0]).toMatch(
      /^attributes must be at most 16 KB as JSON/,
    );
  });

  it('refuses attributes that are not an object', async () => {
    for (const attributes of [[], null, 'x', 3, true]) {
      expect(await messagesOf({ email: 'a@example.com', attributes })).toEqual([
        'attributes must be a JSON object (not an array, null or a single value)',
      ]);
    }
  });

  it('refuses NUL characters in attributes (PostgreSQL cannot store them)', async () => {
    expect(await messagesOf({ email: 'a@example.com', attributes: { a: 'x\u0000y' } })).toEqual([
      'attributes must not contain NUL characters',
    ]);
  });
});

describe('UpdateSubscriberDto', () => {
  it('allows every field to be left out', async () => {
    await expect(pipe.transform({}, asBody(UpdateSubscriberDto))).resolves.toEqual({});
  });

  it('checks the address when one is sent', async () => {
    expect(await messagesOf({ email: 'nope' }, UpdateSubscriberDto)).toEqual(['email must be a valid email address']);
  });
});
