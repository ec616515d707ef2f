import { ArrayMinSize, IsEmail, IsIn, IsNotEmpty, Matches, MaxLength, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validateForm } from './admin-form';

class Sample {
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(5)
  name: string;

  @ArrayMinSize(1)
  @IsEmail({}, { each: true, message: 'emails must be valid email addresses' })
  emails: string[];

  @IsIn(['single', 'double'], { message: 'optIn must be "single" or "double"' })
  optIn: string;

  @Matches(/^\S+$/, { message: 'slug must not contain spaces' })
  slug: string;

  @IsEmail({}, { message: 'Enter a whole email address, such as reader@example.com' })
  fromEmail: string;
}

const errorsOf = async (body: object) => (await validateForm(Sample, body)).errors ?? {};
const good = { name: 'News', emails: ['a@example.com'], optIn: 'single', slug: 'news', fromEmail: 'a@example.com' };

describe('admin forms speak plainly (plainMessage through validateForm)', () => {
  it('says which field is empty, without the developer’s words', async () => {
    expect((await errorsOf({ ...good, name: '' })).name).toBe('The name is empty: fill it in');
  });

  it('names each address that is not one', async () => {
    const errors = await errorsOf({ ...good, emails: ['a@example.com', 'bob@', 'carol'] });
    expect(errors.emails).toBe('“bob@”, “carol” are not email addresses: write each like reader@example.com');
    expect((await errorsOf({ ...good, emails: ['bob@'] })).emails).toBe(
      '“bob@” is not an email address: write each like reader@example.com',
    );
  });

  it('gives the length and the limit of a value too long, and the value of a choice not offered', async () => {
    const errors = await errorsOf({ ...good, name: 'Weekly', optIn: 'triple' });
    expect(errors.name).toBe('The name is too long (6 characters): at most 5');
    expect(errors.optIn).toBe('“triple” is not one of the choices for the opt-in');
  });

  it('turns any other developer sentence to the field’s label, and keeps a message written for people', async () => {
    const errors = await errorsOf({ ...good, slug: 'a b', fromEmail: 'x' });
    expect(errors.slug).toBe('The slug must not contain spaces');
    expect(errors.fromEmail).toBe('Enter a whole email address, such as reader@example.com');
  });

  it('leaves the API’s own messages as they were', async () => {
    const [e] = await validate(plainToInstance(Sample, { ...good, name: '' }));
    expect(Object.values(e.constraints ?? {})).toContain('name must not be empty');
  });
});
