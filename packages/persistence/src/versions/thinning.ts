/**
 * Which versions to keep as they age. Pure: the caller passes the time, so tests run on a fake clock.
 *
 * Versions younger than `keepAllMs` all stay. An older one falls into the first tier whose `untilMs` exceeds
 * its age, and of the versions in one period of that tier (`everyMs` long, periods aligned to the epoch, so
 * in UTC for hours and days) only the newest stays. Periods of a coarser tier are unions of periods of the
 * finer ones when `everyMs` divides, so a version kept as "the last of its hour" is still the one kept as
 * "the last of its day" later: thinning again never deletes what the previous run chose to keep unless the
 * coarser period has a newer one. Versions older than the last tier are deleted. Named versions, and the
 * newest version of all (the base the next version is encoded against), are never deleted.
 */
export interface ThinningPolicy {
  /** Every version younger than this stays. */
  keepAllMs: number;
  /** In increasing `untilMs`; the last one's `untilMs` is usually Infinity (keep one per period forever). */
  tiers: readonly ThinningTier[];
}

export interface ThinningTier {
  /** Applies to versions younger than this (and older than the previous tier's `untilMs`, or `keepAllMs`). */
  untilMs: number;
  /** One version kept per period of this length. */
  everyMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every version of the last 24 hours, then one per hour for 30 days, then one per day. */
export const DEFAULT_THINNING: ThinningPolicy = {
  keepAllMs: DAY,
  tiers: [
    { untilMs: 30 * DAY, everyMs: HOUR },
    { untilMs: Infinity, everyMs: DAY },
  ],
};

export interface ThinnableVersion {
  id: string;
  createdAt: number;
  name: string | null;
}

/**
 * The ids of the versions `policy` drops as of `now`. `versions` must be oldest first (the store's order);
 * the result keeps that order.
 */
export function versionsToThin(
  versions: readonly ThinnableVersion[],
  now: number,
  policy: ThinningPolicy = DEFAULT_THINNING,
): string[] {
  assertThinningPolicy(policy);
  // The newest version of each period so far: the later of two equal times is the newer (ids increase).
  const keptOfPeriod = new Map<string, ThinnableVersion>();
  const dropped = new Set<string>();
  versions.forEach((version, index) => {
    if (version.name !== null) return;
    const age = now - version.createdAt;
    if (!(age >= policy.keepAllMs)) return; // young, or dated in the future by a skewed clock
    const tier = policy.tiers.findIndex((t) => age < t.untilMs);
    if (tier === -1) {
      dropped.add(version.id);
      return;
    }
    const period = `${tier}:${Math.floor(version.createdAt / policy.tiers[tier]!.everyMs)}`;
    const kept = keptOfPeriod.get(period);
    const newest = index === versions.length - 1;
    if (kept === undefined || kept.createdAt <= version.createdAt || newest) {
      if (kept !== undefined) dropped.add(kept.id);
      keptOfPeriod.set(period, version);
    } else {
      dropped.add(version.id);
    }
  });
  return versions.filter((version) => dropped.has(version.id)).map((version) => version.id);
}

/** Throws RangeError for a policy that cannot be applied, naming what is wrong. */
export function assertThinningPolicy(policy: ThinningPolicy): void {
  if (!(policy.keepAllMs >= 0)) throw new RangeError(`keepAllMs must be ≥ 0, got ${policy.keepAllMs}`);
  let previous = policy.keepAllMs;
  for (const { untilMs, everyMs } of policy.tiers) {
    if (!(untilMs > previous)) throw new RangeError(`tier untilMs must increase past ${previous}, got ${untilMs}`);
    if (!(everyMs > 0 && Number.isFinite(everyMs))) throw new RangeError(`tier everyMs must be > 0, got ${everyMs}`);
    previous = untilMs;
  }
}
