import { BadRequestException, Param, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';

/** A UUID path parameter: anything else is 400 naming the parameter; the value is lower-cased like the stored ids. */
class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}
  transform(value: string): string {
    if (!isUUID(value)) throw new BadRequestException(`${this.name} must be a UUID`);
    return value.toLowerCase();
  }
}

/** `@IdParam() id: string` reads and checks `:id`; `@IdParam('listId')` another parameter. */
export const IdParam = (name = 'id') => Param(name, new UuidPipe(name));
