/**
 * Reason codes in words: each denial or status reason code the lifecycle meets is translated once
 * (`GET /translation/denial-code/{code}` as a local read, in the worker's configured language) and kept in
 * the facts, so a code met again (another source, a later run after continue-as-new) costs no call.
 */
import type { ReasonSource, ReasonText, TranslatedReason } from '../domain/reasons';
import type { LifecycleContext } from './context';
import { PATCHES } from './patches';

/**
 * The codes with their translations, recorded in the facts under `source`. Loans started before patch
 * `eligibility-translated-reasons-repay-now` replay without these calls: they get no translations (`[]`).
 */
export async function translateReasons(ctx: LifecycleContext, codes: readonly string[], source: ReasonSource): Promise<TranslatedReason[]> {
  if (codes.length === 0 || !ctx.patches.applies(PATCHES.eligibilityAndReasons)) return [];
  const { state } = ctx;
  const unique = [...new Set(codes)];
  const missing = unique.filter((code) => !state.translationOf(code));
  const fetched = new Map<string, ReasonText>();
  for (const text of await Promise.all(missing.map((code) => ctx.calls.reads.translateDenialCode({ code })))) fetched.set(text.code, text);
  const reasons = unique.flatMap((code) => {
    const text = state.translationOf(code) ?? fetched.get(code);
    return text ? [{ code, language: text.language, text: text.text, source }] : [];
  });
  state.reasonsMet(reasons);
  return reasons;
}
