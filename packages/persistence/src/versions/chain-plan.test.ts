import { describe, expect, it } from 'vitest';
import { planRemoval, type ChainEntry } from './chain-plan.js';

/** A chain from a pattern: K a keyframe, d a delta; ids are positions. */
function chain(pattern: string): ChainEntry[] {
  return [...pattern].map((c, i) => ({ id: String(i), keyframe: c === 'K' }));
}

describe('planRemoval', () => {
  it('folds removed deltas into the next kept delta', () => {
    expect(planRemoval(chain('Kdddd'), new Set(['1', '2']))).toEqual([{ id: '3', from: ['1', '2'], keyframe: false }]);
  });

  it('makes the version after a removed keyframe a keyframe, folding the keyframe and the deltas between', () => {
    expect(planRemoval(chain('dKddK'), new Set(['1', '2']))).toEqual([{ id: '3', from: ['1', '2'], keyframe: true }]);
  });

  it('drops removed deltas before a removed keyframe: the keyframe holds them', () => {
    expect(planRemoval(chain('KddKdd'), new Set(['1', '2', '3', '4']))).toEqual([
      { id: '5', from: ['3', '4'], keyframe: true },
    ]);
  });

  it('rewrites nothing in front of a kept keyframe', () => {
    expect(planRemoval(chain('KddKd'), new Set(['1', '2']))).toEqual([]);
  });

  it('plans one rewrite per run of removed versions', () => {
    expect(planRemoval(chain('KdddKdddd'), new Set(['1', '3', '4', '6']))).toEqual([
      { id: '2', from: ['1'], keyframe: false },
      { id: '5', from: ['4'], keyframe: true },
      { id: '7', from: ['6'], keyframe: false },
    ]);
  });

  it('needs no rewrite for removed versions at the end, or when nothing is removed', () => {
    expect(planRemoval(chain('Kddd'), new Set(['2', '3']))).toEqual([]);
    expect(planRemoval(chain('KdKd'), new Set())).toEqual([]);
  });
});
