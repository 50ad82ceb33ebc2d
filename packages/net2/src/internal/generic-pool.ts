import type { Factory, Options, Pool } from "generic-pool";
import genericPool from "generic-pool";

/** generic-pool's evictor contract (lib/DefaultEvictor.js): true = destroy this idle resource. */
export interface Evictor<T> {
	evict(
		config: unknown,
		pooledResource: { readonly obj: T },
		availableObjectsCount: number,
	): boolean;
}

type PoolConstructor = new <T>(
	evictor: new () => Evictor<T>,
	deque: unknown,
	priorityQueue: unknown,
	factory: Factory<T>,
	options: Options,
) => Pool<T>;

/**
 * `createPool` with a custom evictor. generic-pool exports its `Pool`, `Deque` and
 * `PriorityQueue` classes (index.js) and `createPool` is `new Pool(DefaultEvictor, Deque,
 * PriorityQueue, …)`; its .d.ts just omits the constructor. Our evictor reads the injected
 * `now()` clock and the socket state, which the default one (Date.now only) cannot.
 */
export function createPoolWithEvictor<T>(
	evictor: new () => Evictor<T>,
	factory: Factory<T>,
	options: Options,
): Pool<T> {
	const lib = genericPool as unknown as {
		Pool: PoolConstructor;
		Deque: unknown;
		PriorityQueue: unknown;
	};
	return new lib.Pool<T>(
		evictor,
		lib.Deque,
		lib.PriorityQueue,
		factory,
		options,
	);
}
