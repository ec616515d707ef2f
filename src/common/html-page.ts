import { applyDecorators, Header } from '@nestjs/common';

/** A route that answers a recipient-facing HTML page: never cached (each answer is about one person's link). */
export function HtmlPage(): MethodDecorator {
  return applyDecorators(Header('Content-Type', 'text/html; charset=utf-8'), Header('Cache-Control', 'no-store'));
}
