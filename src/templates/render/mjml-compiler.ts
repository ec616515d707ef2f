import { Injectable, Optional } from '@nestjs/common';
import mjml2html from 'mjml';
import { AppConfig } from '../../config/app-config';
import { TemplateProblem } from '../template-errors';
import { ownSocialIcons } from './social-icons';

export interface MjmlOutput {
  html: string;
  errors: TemplateProblem[];
}

/**
 * The one place MJML runs. It costs milliseconds per call, so the renderer calls it once per template
 * version; `calls` counts real runs so tests and the benchmark can check that.
 */
@Injectable()
export class MjmlCompiler {
  calls = 0;

  /** `config`: where the social icons are served from (PUBLIC_URL); without it (unit tests), a relative path. */
  constructor(@Optional() private readonly config?: AppConfig) {}

  async compile(mjml: string): Promise<MjmlOutput> {
    this.calls++;
    try {
      // mj-include would read files from the server: never for templates people type in.
      const result = await mjml2html(mjml, { validationLevel: 'soft', ignoreIncludes: true });
      return {
        html: ownSocialIcons(result.html, this.config?.publicUrl ?? ''),
        errors: result.errors
          // An attribute holding a Handlebars expression ("{{brandColor}}") is filled in later.
          .filter((e) => !/\{\{.*\}\}/.test(e.message))
          .map((e) => ({ field: 'mjml' as const, line: e.line ?? null, tagName: e.tagName ?? null, message: e.message.trim() })),
      };
    } catch (e) {
      // Not MJML at all (no <mjml> root, unparsable): there is nothing to render.
      return { html: '', errors: [{ field: 'mjml', line: null, tagName: 'mjml', message: String((e as Error).message ?? e) }] };
    }
  }
}
