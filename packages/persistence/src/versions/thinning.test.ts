import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THINNING, versionsToThin, type ThinnableVersion, type ThinningPolicy } from './thinning.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A fixed "now" on an hour boundary: 2025-03-01T00:00:00Z. */
const NOW = Date.UTC(2025, 2, 1);

/** Versions at the given ages (oldest first), ids v0, v1, ... in that order. */
function versionsAged(ages: readonly number[], named: readonly number[] = []): ThinnableVersion[] {
  return [...ages]
    .sort((a, b) => b - a)
    .map((age, i) => ({ id: `v${i}`, createdAt: NOW - age, name: named.includes(i) ? `name ${i}` : null }));
}

/** One version every `everyMs`, the newest `newestAge` ago, back to `oldestAge` ago. */
function cutEvery(everyMs: number, oldestAge: number, newestAge = 0): ThinnableVersion[] {
  const ages: number[] = [];
  for (let age = newestAge; age <= oldestAge; age += everyMs) ages.push(age);
  return versionsAged(ages);
}

function kept(versions: readonly ThinnableVersion[], now = NOW, policy?: ThinningPolicy): ThinnableVersion[] {
  const dropped = new Set(versionsToThin(versions, now, policy));
  return versions.filter((version) => !dropped.has(version.id));
}

describe('versionsToThin (default policy)', () => {
  it('keeps every version of the last 24 hours', () => {
    const versions = cutEvery(5 * MINUTE, DAY - 1);
    expect(versionsToThin(versions, NOW)).toEqual([]);
  });

  it('keeps the last version of each hour for 30 days, then the last of each day', () => {
    // Two minutes off the period boundaries: the newest version of each hour is at :58.
    const versions = cutEvery(5 * MINUTE, 60 * DAY, 2 * MINUTE);
    const left = kept(versions);
    const ageOf = (v: ThinnableVersion) => NOW - v.createdAt;

    const recent = left.filter((v) => ageOf(v) < DAY);
    expect(recent).toEqual(versions.filter((v) => ageOf(v) < DAY));
    const hourly = left.filter((v) => ageOf(v) >= DAY && ageOf(v) < 30 * DAY);
    expect(hourly).toHaveLength(29 * 24);
    expect(hourly.every((v) => new Date(v.createdAt).getUTCMinutes() === 58)).toBe(true);
    const daily = left.filter((v) => ageOf(v) >= 30 * DAY);
    expect(daily).toHaveLength(30);
    expect(daily.every((v) => new Date(v.createdAt).toISOString().endsWith('T23:58:00.000Z'))).toBe(true);
  });

  it('never drops a named version, however old, nor lets it stand in for its period', () => {
    const versions = versionsAged([90 * DAY + 2 * HOUR, 90 * DAY + HOUR, 90 * DAY + 30 * MINUTE, 0], [1]);
    // v1 is named; of the unnamed versions of that day only the newest (v2) stays.
    expect(versionsToThin(versions, NOW)).toEqual(['v0']);
  });

  it('always keeps the newest version, even when old', () => {
    const versions = versionsAged([400 * DAY, 400 * DAY - MINUTE]);
    expect(versionsToThin(versions, NOW)).toEqual(['v0']);
    expect(versionsToThin(versionsAged([400 * DAY]), NOW)).toEqual([]);
  });

  it('keeps versions dated in the future (a skewed clock) as if they were new', () => {
    const versions = versionsAged([-HOUR, -2 * HOUR, 5 * DAY]);
    expect(versionsToThin(versions, NOW)).toEqual([]);
  });

  it('deletes what fell out of the last tier of a bounded policy', () => {
    const policy: ThinningPolicy = { keepAllMs: HOUR, tiers: [{ untilMs: DAY, everyMs: HOUR }] };
    const versions = versionsAged([3 * DAY, 2 * DAY, 3 * HOUR, 30 * MINUTE, 0]);
    expect(versionsToThin(versions, NOW, policy)).toEqual(['v0', 'v1']);
  });

  it('rejects a policy whose tiers do not increase or whose periods are empty', () => {
    const bad: ThinningPolicy[] = [
      { keepAllMs: -1, tiers: [] },
      { keepAllMs: DAY, tiers: [{ untilMs: HOUR, everyMs: HOUR }] },
      { keepAllMs: 0, tiers: [{ untilMs: DAY, everyMs: 0 }] },
      { keepAllMs: 0, tiers: [{ untilMs: DAY, everyMs: HOUR }, { untilMs: DAY, everyMs: DAY }] },
    ];
    for (const policy of bad) expect(() => versionsToThin([], NOW, policy)).toThrow(RangeError);
  });
});

describe('versionsToThin (properties over random histories and clocks)', () => {
  const history = fc
    .array(fc.record({ age: fc.integer({ min: -DAY, max: 400 * DAY }), named: fc.boolean() }), { maxLength: 80 })
    .map((entries) => {
      const sorted = [...entries].sort((a, b) => b.age - a.age);
      return sorted.map(
        ({ age, named }, i): ThinnableVersion => ({ id: `v${i}`, createdAt: NOW - age, name: named ? 'n' : null }),
      );
    });

  it('keeps named versions, the newest, and the last 24 h; keeps one version per period', () => {
    fc.assert(
      fc.property(history, (versions) => {
        const dropped = new Set(versionsToThin(versions, NOW));
        versions.forEach((v, i) => {
          const protectedVersion = v.name !== null || i === versions.length - 1 || NOW - v.createdAt < DAY;
          if (protectedVersion) expect(dropped.has(v.id)).toBe(false);
        });
        // Among unnamed versions older than a day (the newest aside), at most one per hour / per day stays.
        const periods = new Set<string>();
        versions.slice(0, -1).forEach((v) => {
          const age = NOW - v.createdAt;
          if (dropped.has(v.id) || v.name !== null || age < DAY) return;
          const period = age < 30 * DAY ? `h${Math.floor(v.createdAt / HOUR)}` : `d${Math.floor(v.createdAt / DAY)}`;
          expect(periods.has(period)).toBe(false);
          periods.add(period);
        });
      }),
    );
  });

  it('is stable: thinning what it kept, at the same time or later, keeps what a single run keeps', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 60 * DAY }), (versions, later) => {
        const once = kept(versions, NOW);
        expect(kept(once, NOW)).toEqual(once);
        expect(kept(once, NOW + later)).toEqual(kept(versions, NOW + later));
      }),
    );
  });

  it('uses the default policy when none is given', () => {
    const versions = cutEvery(HOUR, 40 * DAY);
    expect(versionsToThin(versions, NOW)).toEqual(versionsToThin(versions, NOW, DEFAULT_THINNING));
  });
});
