import { ApiProperty } from '@nestjs/swagger';
import type { Media } from './media.repository';

/** An image as the API, the admin pages and the builder see it. */
export class MediaView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://news.example.com/media/0f3c…9a.jpg', description: 'public, cached for a year' })
  url: string;
  @ApiProperty({ description: 'the name of the file that was uploaded' }) name: string;
  @ApiProperty({ enum: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] }) mime: string;
  @ApiProperty({ description: 'of the stored (resized) image, in pixels' }) width: number;
  @ApiProperty() height: number;
  @ApiProperty({ description: 'size of the stored file' }) bytes: number;
  @ApiProperty() createdAt: Date;
}

export function mediaView(m: Media, publicUrl: string): MediaView {
  return {
    id: m.id,
    url: `${publicUrl}/media/${m.storedName}`,
    name: m.originalName,
    mime: m.mime,
    width: m.width,
    height: m.height,
    bytes: m.bytes,
    createdAt: m.createdAt,
  };
}
