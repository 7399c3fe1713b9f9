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

/** Compiles an MJML document (mjml 5, async) with `validationLevel: 'strict'`. */
export async function compileMjml(mjml: string): Promise<string> {
  const mjml2html = await loadCompiler();
  try {
    const result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false, minify: false });
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
