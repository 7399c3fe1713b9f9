/**
 * MJML → HTML with strict validation: an invalid template throws instead of sending a broken email.
 * mjml is loaded lazily so modules that only personalise (the sender Lambda) never pay for it.
 */

export class MjmlRenderError extends Error {
  override name = 'MjmlRenderError';
}

type Mjml2Html = typeof import('mjml');
let compiler: Promise<Mjml2Html> | undefined;

async function loadCompiler(): Promise<Mjml2Html> {
  compiler ??= import('mjml').then((m) => m.default);
  return compiler;
}

/** No web fonts: the email never loads an external stylesheet (privacy, and no layout shift). */
const NO_WEB_FONTS: Record<string, string> = {};

/** Compiles an MJML document (mjml 5, async) with `validationLevel: 'strict'` and no web fonts. */
export async function compileMjml(mjml: string): Promise<string> {
  const mjml2html = await loadCompiler();
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      keepComments: false,
      minify: false,
      // MJML's default maps Roboto, Open Sans, Lato… to Google Fonts and links them whenever the
      // font-family names one: every open would then call Google. The templates use a system stack.
      fonts: NO_WEB_FONTS,
    });
    if (result.errors.length > 0) {
      throw new MjmlRenderError(`MJML invalid: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
    }
    return result.html;
  } catch (error) {
    if (error instanceof MjmlRenderError) throw error;
    if (/ValidationError/.test(String(error))) {
      throw new MjmlRenderError(`MJML invalid: ${String(error).trim()}`, { cause: error });
    }
    throw new MjmlRenderError(
      `MJML render failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
