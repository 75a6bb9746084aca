/**
 * The patch registry: a new run records one marker, the umbrella, standing for every patch before it; runs
 * started before the umbrella keep their own markers (test/replay/histories/v1, v2, v3 replay them;
 * test/workflows/patches.test.ts counts the markers of a real run).
 */
import { describe, expect, it } from 'vitest';
import { newRunMarkers, PATCHES, patchesNotMet, patchesOfUmbrella, RunPatches } from '../../src/workflows/patches';

describe('the patch registry', () => {
  it('leaves no patch ID out: each is covered by the umbrella or met at the start of a new run', () => {
    expect(Object.values(PATCHES).length).toBeGreaterThan(0);
    expect(patchesNotMet()).toEqual([]);
  });

  it('a new run records the umbrella first, and none of the patches it stands for', () => {
    const markers = newRunMarkers();
    expect(markers[0]).toBe(PATCHES.everyPatchUntilDecember2026);
    expect(markers.filter((id) => patchesOfUmbrella().includes(id))).toEqual([]);
    expect(new Set(markers).size).toBe(markers.length);
  });

  it('the umbrella stands for the nine patches met one by one before it, in their order', () => {
    expect(patchesOfUmbrella()).toEqual([
      'validated-input', 'no-identifiers-in-search-attributes', 'operator-search-attributes', 'user-metadata-summaries',
      'cancellation-is-operator-command', 'fewer-actions-per-loan', 'wake-on-newer-status', 'eligibility-translated-reasons-repay-now',
      'generated-borrower-terms-at-creation',
    ]);
  });
});

describe('RunPatches', () => {
  it('with the umbrella, answers every patch it stands for without asking patched() (which records a marker)', () => {
    // Outside a workflow `patched()` throws: an answer here proves the umbrella alone decided it.
    const patches = RunPatches.ofNewRun();
    for (const id of patchesOfUmbrella()) expect(patches.applies(id), id).toBe(true);
    expect(patches.applies(PATCHES.everyPatchUntilDecember2026)).toBe(true);
    expect(patches.wakesOnNewerStatus()).toBe(true);
    expect(() => patches.meetPatches()).not.toThrow();
  });

  it('without the umbrella (a run started before it), asks patched() per patch, as the code before it did', () => {
    const patches = new RunPatches(false, new Set());
    expect(patches.applies(PATCHES.everyPatchUntilDecember2026)).toBe(false);
    expect(() => patches.applies(PATCHES.fewerActions)).toThrow(/only be used from a Workflow Execution/);
    expect(() => patches.meetPatches()).toThrow(/only be used from a Workflow Execution/);
  });
});
