import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_MJML, MAX_SUBJECT, MAX_TEXT, SLUG } from './template.dto';

export class PreviewTemplateDto {
  @ApiProperty({ description: 'MJML with Handlebars expressions' })
  @IsString()
  @IsNotEmpty({ message: 'mjml must not be empty' })
  @MaxLength(MAX_MJML)
  mjml: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT)
  subject?: string;

  @ApiPropertyOptional({ description: 'a Handlebars template for the text part' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  text?: string;

  @ApiPropertyOptional({ type: Object, description: 'what the template is filled with, e.g. {"subscriber": {"name": "Ada"}}' })
  @IsOptional()
  @IsObject({ message: 'data must be an object' })
  data?: Record<string, unknown>;
}

/** Renders a template by slug (a stored one overrides the built-in) exactly as it would be sent. */
export class RenderTemplateDto {
  @ApiProperty({ example: 'order-shipped' })
  @IsString()
  @MaxLength(100)
  @Matches(SLUG, { message: 'template must be a template slug, e.g. "order-shipped"' })
  template: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject({ message: 'data must be an object' })
  data?: Record<string, unknown>;
}
