import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { API_KEY_SCOPES, ApiKeyScope } from '../api-key-scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Order system' })
  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(API_KEY_SCOPES, { each: true, message: `each scope must be one of: ${API_KEY_SCOPES.join(', ')}` })
  scopes: ApiKeyScope[];
}
