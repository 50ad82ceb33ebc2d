import type { Profile } from "./profile.js";

/**
 * What the HTTP API needs from the data layer: the read-through cache over the database.
 * {@link createStack} builds it from `@godropbox-ts/caching`'s `CacheOnStorage`.
 */
export interface ProfileStore {
	/** The profile, or undefined when there is none (a cache miss is filled from the database). */
	get(id: number): Promise<Profile | undefined>;
	/** One slot per id, in order; undefined for ids with no profile. */
	getMulti(ids: readonly number[]): Promise<(Profile | undefined)[]>;
	/** Inserts or replaces the profile (database first, then the cache entry is invalidated). */
	put(profile: Profile): Promise<void>;
	/** Deletes the profile from the database, then from the cache. */
	delete(id: number): Promise<void>;
}
