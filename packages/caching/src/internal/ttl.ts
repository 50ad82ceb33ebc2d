import { InvalidOptionError } from "../errors.js";

/** Validates a TTL option in ms: undefined, or a finite number ≥ 0. */
export function checkTtl(name: string, ttl: number | undefined): void {
	if (ttl === undefined) return;
	if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0)
		throw new InvalidOptionError(
			name,
			`${name} must be a finite number of milliseconds ≥ 0 (0 = no expiry), got ${String(ttl)}`,
		);
}

/** Applies jitter: reduces `ttl` by up to `jitter × ttl` (never raises it past the configured TTL). */
export function jitterTtl(
	ttl: number | undefined,
	jitter: number,
	random: () => number,
): number | undefined {
	if (ttl === undefined || ttl === 0 || jitter === 0) return ttl;
	return Math.max(1, Math.round(ttl - ttl * jitter * random()));
}
