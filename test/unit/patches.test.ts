/**
 * The patch registry: `meetPatches()` meets every patch ID at the start of a new run (runs started by
 * earlier code keep their own order of markers: test/replay/histories/current replays them).
 */
import { describe, expect, it } from 'vitest';
import { PATCHES, patchesNotMet } from '../../src/workflows/patches';

describe('meetPatches', () => {
  it('meets every patch ID of the registry', () => {
    expect(Object.values(PATCHES).length).toBeGreaterThan(0);
    expect(patchesNotMet()).toEqual([]);
  });
});
