import type { Socket } from "node:net";
import type { Pool } from "generic-pool";
import type { AddressPoolStats } from "../connection-pool.js";
import { channels } from "../diagnostics.js";
import {
	AbortedError,
	AcquireTimeoutError,
	DialConcurrencyError,
	DialError,
	DialTimeoutError,
	LameDuckError,
	Net2Error,
	PoolClosedError,
	TooManyConnectionsError,
} from "../errors.js";
import type { ManagedConnection } from "../managed-connection.js";
import type { Network } from "../network.js";
import type { ResolvedConnectionOptions } from "../options.js";
import { builtinDial } from "./dial.js";
import { Fifo } from "./fifo.js";
import { createPoolWithEvictor } from "./generic-pool.js";
import {
	type ConnectionLender,
	PooledConnection,
} from "./pooled-connection.js";
import { Slot, type SlotOwner } from "./slot.js";

const OPEN = 0;
const LAME_DUCK = 1;
const CLOSING = 2;
const DESTROYED = 3;
type State = 0 | 1 | 2 | 3;

const RESOLVED = Promise.resolve();

/** A `get` that had to wait (for a connection to come back or for its dial). */
interface Waiter {
	readonly seq: number;
	readonly signal: AbortSignal | undefined;
	readonly resolve: (conn: ManagedConnection) => void;
	readonly reject: (err: unknown) => void;
	settled: boolean;
	/** In #parked (no generic-pool request yet). */
	parked: boolean;
	/** performance.now() by which it must be served (acquireTimeout), or Infinity. */
	readonly deadline: number;
	onAbort: (() => void) | undefined;
}

/** Asks each idle slot's owner whether it must go (expired by the injected clock, or dead). */
class SlotEvictor {
	evict(_config: unknown, pooledResource: { readonly obj: Slot }): boolean {
		const slot = pooledResource.obj;
		return (slot.owner as AddressPool).shouldEvict(slot);
	}
}

/**
 * @internal The pool of one address: generic-pool underneath (queueing, FIFO reuse, counts,
 * eviction timer), with godropbox's semantics on top (net2/base_connection_pool.go,
 * resource_pool/simple_resource_pool.go): limits, fail-fast mode, lame duck, idle checks, typed
 * errors, and the guard against generic-pool's endless create retries.
 */
export class AddressPool implements SlotOwner, ConnectionLender {
	readonly network: Network;
	readonly address: string;
	readonly root: object;
	readonly readTimeout: number;
	readonly writeTimeout: number;
	readonly #o: ResolvedConnectionOptions;
	readonly #pool: Pool<Slot>;
	#state: State = OPEN;
	#active = 0;
	#pending = 0;
	#idle = 0;
	#highWaterMark = 0;
	#dials = 0;
	#dialFailures = 0;
	#discards = 0;
	#dialsInFlight = 0;
	#seq = 0;
	/** Creates waiting for a dial token (dialMaxConcurrency); called with an error to fail. */
	readonly #dialQueue: ((err: unknown) => void)[] = [];
	readonly #dialAborts = new Set<AbortController>();
	/** Every live slot (idle, lent, or in generic-pool's hands between the two). */
	readonly #slots = new Set<Slot>();
	readonly #waiters = new Set<Waiter>();
	/** Every waiter in arrival (= deadline) order, for the timer; settled ones are skipped. */
	readonly #byDeadline = new Fifo<Waiter>();
	/** Waiters with no generic-pool request yet (they came at the limit), oldest first. */
	readonly #parked = new Fifo<Waiter>();
	#parkedCount = 0;
	#timer: NodeJS.Timeout | undefined;
	#finishing = false;
	#done: Promise<void> | undefined;
	#resolveDone: (() => void) | undefined;

	constructor(
		root: object,
		network: Network,
		address: string,
		options: ResolvedConnectionOptions,
	) {
		this.root = root;
		this.network = network;
		this.address = address;
		this.#o = options;
		this.readTimeout = options.readTimeout;
		this.writeTimeout = options.writeTimeout;
		this.#pool = createPoolWithEvictor<Slot>(
			SlotEvictor,
			{
				create: () => this.#create(),
				destroy: (slot) => {
					slot.kill("destroyed");
					this.#slots.delete(slot);
					return RESOLVED;
				},
			},
			{
				// Wait mode queues past the limit; fail-fast mode never lets it get there.
				max:
					options.maxActiveConnections > 0
						? options.maxActiveConnections
						: 2 ** 31 - 1,
				min: 0,
				fifo: true, // godropbox reuses the connection that went idle first
				autostart: false,
				evictionRunIntervalMillis: options.idleCheckInterval,
				numTestsPerEvictionRun: 2 ** 31 - 1,
			},
		);
	}

	// ---- borrowing -------------------------------------------------------------------------

	get(signal: AbortSignal | undefined): Promise<ManagedConnection> {
		if (this.#state !== OPEN) return Promise.reject(this.#stateError());
		if (signal?.aborted)
			return Promise.reject(
				new AbortedError(signal.reason, this.network, this.address),
			);
		const o = this.#o;
		if (!o.waitForConnection) {
			// godropbox parity (resource_pool/simple_resource_pool.go Get): fail at once.
			const max = o.maxActiveConnections;
			if (max > 0 && this.#active + this.#pending >= max)
				return Promise.reject(
					new TooManyConnectionsError(this.network, this.address, max),
				);
			const dialMax = o.dialMaxConcurrency;
			if (dialMax > 0 && this.#idle === 0 && this.#dialsInFlight >= dialMax)
				return Promise.reject(
					new DialConcurrencyError(this.network, this.address, dialMax),
				);
		}
		const seq = ++this.#seq;
		const gp = this.#pool;
		if (gp.available > 0 && gp.pending === 0 && this.#parkedCount === 0) {
			// Fast path: with a slot available and nobody queued, generic-pool's acquire hands
			// the oldest idle slot over synchronously (Pool.js _dispense), so this get cannot
			// wait and needs no timer and no abort listener. (Testing our own idle count here
			// instead would be wrong: it drops only when the slot is lent, a microtask later.)
			this.#pending++;
			return gp.acquire().then((slot) => this.#onFastSlot(slot, seq, signal));
		}
		return this.#acquireSlow(seq, signal);
	}

	#onFastSlot(
		slot: Slot,
		seq: number,
		signal: AbortSignal | undefined,
	): ManagedConnection | Promise<ManagedConnection> {
		this.#pending--;
		if (this.#state === OPEN && slot.usable) return this.#lend(slot);
		this.#returnUnlent(slot);
		if (this.#state !== OPEN) throw this.#stateError();
		return this.#acquireSlow(seq, signal);
	}

	#acquireSlow(
		seq: number,
		signal: AbortSignal | undefined,
	): Promise<ManagedConnection> {
		return new Promise<ManagedConnection>((resolve, reject) => {
			const timeout = this.#o.acquireTimeout;
			const w: Waiter = {
				seq,
				signal,
				resolve,
				reject,
				settled: false,
				parked: false,
				deadline: timeout > 0 ? performance.now() + timeout : Infinity,
				onAbort: undefined,
			};
			this.#pending++;
			this.#waiters.add(w);
			if (timeout > 0) this.#byDeadline.push(w);
			// One timer per address pool, not per waiter (generic-pool's acquireTimeoutMillis
			// would arm one for every acquire, fast path included: a third of a cycle's cost).
			if (timeout > 0 && this.#timer === undefined) this.#armTimer(timeout);
			if (signal !== undefined) {
				w.onAbort = () => {
					this.#fail(
						w,
						new AbortedError(signal.reason, this.network, this.address),
					);
				};
				signal.addEventListener("abort", w.onAbort, { once: true });
			}
			const gp = this.#pool;
			if (
				this.#parkedCount === 0 &&
				(gp.available > 0 || gp.spareResourceCapacity > 0)
			)
				this.#request(w);
			else {
				// At the limit: the next returned slot comes straight here.
				w.parked = true;
				this.#parkedCount++;
				this.#parked.push(w);
			}
		});
	}

	/** A slot's capacity was freed (destroyed): a parked waiter may now get a dial. */
	#pump(): void {
		if (this.#parkedCount === 0) return;
		const gp = this.#pool;
		if (gp.spareResourceCapacity <= 0 && gp.available === 0) return;
		const w = this.#unpark();
		if (w !== undefined) this.#request(w);
	}

	/** The oldest parked waiter still waiting, taken off the parked queue. */
	#unpark(): Waiter | undefined {
		for (;;) {
			const w = this.#parked.shift();
			if (w === undefined) return undefined;
			if (!w.parked) continue; // settled meanwhile
			w.parked = false;
			this.#parkedCount--;
			return w;
		}
	}

	/** generic-pool destroy of a slot that is not being retried by its waiter. */
	#destroySlot(slot: Slot): void {
		this.#pool.destroy(slot);
		this.#pump();
	}

	#request(w: Waiter): void {
		this.#pool.acquire().then(
			(slot) => this.#deliver(w, slot),
			(err: unknown) => this.#fail(w, err),
		);
	}

	#deliver(w: Waiter, slot: Slot): void {
		if (w.settled) {
			// The get timed out or was aborted; generic-pool cannot cancel its request, so the
			// slot it eventually receives goes straight back.
			this.#returnUnlent(slot);
			return;
		}
		if (slot.error !== undefined) {
			this.#pool.destroy(slot);
			// A failure older than this get (its create outlived the get that caused it) is not
			// this get's answer: ask again, which dials afresh.
			if (slot.seq < w.seq) this.#request(w);
			else {
				this.#fail(w, slot.error);
				this.#pump();
			}
			return;
		}
		if (!slot.usable) {
			this.#pool.destroy(slot);
			this.#request(w);
			return;
		}
		this.#settle(w);
		w.resolve(this.#lend(slot));
	}

	#armTimer(delay: number): void {
		this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(delay)));
		// A waiting get is kept alive by what it waits for (a dial, a borrower's I/O), not by
		// its deadline; and a timer left armed after the last waiter must not hold the process.
		this.#timer.unref();
	}

	/** Fails the waiters past their deadline; re-arms for the next one. */
	readonly #onTimer = (): void => {
		this.#timer = undefined;
		const now = performance.now();
		// All waiters share acquireTimeout, so arrival order is deadline order.
		const queue = this.#byDeadline;
		for (let w = queue.peek(); w !== undefined; w = queue.peek()) {
			if (w.settled) {
				queue.shift();
				continue;
			}
			if (w.deadline > now) {
				this.#armTimer(w.deadline - now);
				return;
			}
			queue.shift();
			this.#fail(
				w,
				new AcquireTimeoutError(
					this.network,
					this.address,
					this.#o.acquireTimeout,
				),
			);
		}
	};

	#settle(w: Waiter): void {
		w.settled = true;
		if (w.onAbort !== undefined)
			w.signal?.removeEventListener("abort", w.onAbort);
		this.#pending--;
		this.#waiters.delete(w);
		if (w.parked) {
			w.parked = false;
			this.#parkedCount--;
		}
		// Waiters mostly settle in arrival order: drop settled ones from the deadline queue's
		// head now, so it does not grow between timer runs.
		const queue = this.#byDeadline;
		for (let h = queue.peek(); h?.settled; h = queue.peek()) queue.shift();
	}

	#fail(w: Waiter, err: unknown): void {
		if (w.settled) return;
		this.#settle(w);
		w.reject(err);
		this.#maybeFinish();
	}

	/** Counts a slot as idle (it is, or is about to be, in generic-pool's available list). */
	#park(slot: Slot): void {
		if (slot.idle) return;
		slot.enterIdle(this.#o.now());
		this.#idle++;
	}

	#lend(slot: Slot): ManagedConnection {
		if (slot.idle) {
			slot.leaveIdle();
			this.#idle--;
		}
		const reused = slot.uses++ > 0;
		if (++this.#active > this.#highWaterMark)
			this.#highWaterMark = this.#active;
		const conn = new PooledConnection(
			this,
			slot,
			this.network,
			this.address,
			reused,
		);
		slot.loan = conn;
		if (channels.acquire.hasSubscribers)
			channels.acquire.publish({
				network: this.network,
				address: this.address,
				reused,
			});
		return conn;
	}

	// ---- returning -------------------------------------------------------------------------

	/** @internal Called once per loan by `PooledConnection.release()`/`discard()`. */
	giveBack(slot: Slot, discard: boolean): void {
		this.#active--;
		slot.loan = null;
		if (discard) {
			this.#discards++;
			if (channels.discard.hasSubscribers)
				channels.discard.publish({
					network: this.network,
					address: this.address,
					reason: "discarded",
				});
			this.#destroySlot(slot);
		} else {
			this.#recycle(slot);
		}
		if (this.#state !== OPEN) this.#maybeFinish();
	}

	/** A slot that came out of generic-pool but was never lent (abandoned get, dead, failed). */
	#returnUnlent(slot: Slot): void {
		if (slot.error !== undefined || !slot.usable) this.#destroySlot(slot);
		else this.#recycle(slot);
	}

	#recycle(slot: Slot): void {
		const socket = slot.socket as Socket;
		const serving =
			this.#state === OPEN ||
			(this.#state === CLOSING && this.#waiters.size > 0);
		if (!serving) {
			this.#destroySlot(slot);
			return;
		}
		if (
			!slot.alive ||
			socket.destroyed ||
			!socket.writable ||
			socket.readableLength > 0 // unread bytes: the stream is out of sync
		) {
			this.#discards++;
			if (channels.discard.hasSubscribers)
				channels.discard.publish({
					network: this.network,
					address: this.address,
					reason: slot.alive ? "unread-data" : "closed",
				});
			this.#destroySlot(slot);
			return;
		}
		if (socket.listenerCount("data") > 0) socket.removeAllListeners("data");
		if (socket.listenerCount("readable") > 0)
			socket.removeAllListeners("readable");
		if (this.#pool.pending > 0) {
			// An older get waits inside generic-pool: it hands the slot over at once.
			this.#pool.release(slot);
			return;
		}
		const parked = this.#parkedCount > 0 ? this.#unpark() : undefined;
		if (parked !== undefined) {
			// A get parked at the limit: hand the slot over directly. It stays on loan in
			// generic-pool's books, so no release/acquire round trip through its queue.
			this.#settle(parked);
			parked.resolve(this.#lend(slot));
			return;
		}
		if (!slot.idle && this.#idle >= this.#o.maxIdleConnections) {
			// godropbox closes the oldest idle handle on overflow; generic-pool does not let us
			// reach into its queue, so the surplus (newest) one is closed instead.
			this.#discards++;
			if (channels.discard.hasSubscribers)
				channels.discard.publish({
					network: this.network,
					address: this.address,
					reason: "idle-overflow",
				});
			this.#destroySlot(slot);
			return;
		}
		this.#park(slot);
		this.#pool.release(slot);
		if (channels.release.hasSubscribers)
			channels.release.publish({
				network: this.network,
				address: this.address,
			});
	}

	/** @internal SlotOwner: a socket died (peer close, error, reaping, lame duck). */
	slotDied(_slot: Slot, reason: string, wasIdle: boolean): void {
		if (!wasIdle) return;
		this.#idle--;
		if (channels.idleClose.hasSubscribers)
			channels.idleClose.publish({
				network: this.network,
				address: this.address,
				reason,
			});
	}

	/** @internal Called by generic-pool's eviction run (an unref'd timer) per idle slot. */
	shouldEvict(slot: Slot): boolean {
		if (!slot.alive || slot.error !== undefined) return true;
		const maxIdleTime = this.#o.maxIdleTime;
		if (maxIdleTime > 0 && this.#o.now() - slot.idleSince >= maxIdleTime) {
			slot.kill("expired");
			return true;
		}
		return false;
	}

	// ---- dialling --------------------------------------------------------------------------

	async #create(): Promise<Slot> {
		if (
			this.#state === DESTROYED ||
			this.#state === LAME_DUCK ||
			(this.#state === CLOSING && this.#waiters.size === 0)
		)
			return this.#failedSlot(this.#stateError());
		const limit = this.#o.dialMaxConcurrency;
		if (limit > 0 && this.#dialsInFlight >= limit) {
			// Wait for a token; a failing dial fails every queued one at once (below).
			const err = await new Promise<unknown>((resolve) => {
				this.#dialQueue.push(resolve);
			});
			if (err !== undefined) return this.#failedSlot(err);
			// The token was handed over: #dialsInFlight already counts this dial.
		} else {
			this.#dialsInFlight++;
		}
		this.#dials++;
		const started = performance.now();
		let socket: Socket;
		try {
			socket = await this.#dial();
		} catch (e) {
			this.#dialsInFlight--;
			this.#dialFailures++;
			const err =
				e instanceof Net2Error
					? e
					: new DialError(this.network, this.address, e);
			for (const next of this.#dialQueue.splice(0)) next(err);
			if (channels.dialError.hasSubscribers)
				channels.dialError.publish({
					network: this.network,
					address: this.address,
					error: err,
					durationMs: performance.now() - started,
				});
			return this.#failedSlot(err);
		}
		const next = this.#dialQueue.shift();
		if (next !== undefined) next(undefined);
		else this.#dialsInFlight--;
		if (channels.dial.hasSubscribers)
			channels.dial.publish({
				network: this.network,
				address: this.address,
				durationMs: performance.now() - started,
			});
		const slot = new Slot(this, socket, undefined, 0);
		this.#slots.add(slot);
		// generic-pool gives it to a waiting request or, if none is left (timed out), puts it in
		// its available list without telling us: count it idle now, #lend un-counts it.
		this.#park(slot);
		const state = this.#state as State; // may have changed while dialling
		if (state === DESTROYED || state === LAME_DUCK) slot.kill("closed");
		return slot;
	}

	#failedSlot(err: unknown): Slot {
		return new Slot(this, null, err, ++this.#seq);
	}

	/** Runs the dial function under `connectTimeout`; a late socket is destroyed. */
	#dial(): Promise<Socket> {
		const o = this.#o;
		const ac = new AbortController();
		this.#dialAborts.add(ac);
		return new Promise<Socket>((resolve, reject) => {
			let timer: NodeJS.Timeout | undefined;
			const finish = (): void => {
				if (timer !== undefined) clearTimeout(timer);
				this.#dialAborts.delete(ac);
				ac.signal.removeEventListener("abort", onAbort);
			};
			const onAbort = (): void => {
				finish();
				reject(ac.signal.reason);
			};
			ac.signal.addEventListener("abort", onAbort, { once: true });
			if (o.connectTimeout > 0)
				timer = setTimeout(() => {
					ac.abort(
						new DialTimeoutError(this.network, this.address, o.connectTimeout),
					);
				}, o.connectTimeout);
			const context = { signal: ac.signal, connectTimeout: o.connectTimeout };
			let dialled: Promise<Socket>;
			try {
				dialled =
					o.dial !== undefined
						? o.dial(this.network, this.address, context)
						: builtinDial(o, this.network, this.address, context);
			} catch (err) {
				dialled = Promise.reject(err);
			}
			dialled.then(
				(socket) => {
					if (ac.signal.aborted) {
						socket.destroy();
						return;
					}
					finish();
					resolve(socket);
				},
				(err: unknown) => {
					if (ac.signal.aborted) return;
					finish();
					reject(err);
				},
			);
		});
	}

	// ---- lifecycle -------------------------------------------------------------------------

	get isOpen(): boolean {
		return this.#state === OPEN;
	}

	#stateError(): Net2Error {
		return this.#state === LAME_DUCK
			? new LameDuckError(this.network, this.address)
			: new PoolClosedError(undefined, {
					network: this.network,
					address: this.address,
				});
	}

	/** godropbox EnterLameDuckMode: idle ones close now, waiters fail, loans close on return. */
	enterLameDuckMode(): void {
		if (this.#state !== OPEN) return;
		this.#state = LAME_DUCK;
		if (channels.lameDuck.hasSubscribers)
			channels.lameDuck.publish({
				network: this.network,
				address: this.address,
			});
		const err = new LameDuckError(this.network, this.address);
		for (const w of [...this.#waiters]) this.#fail(w, err);
		this.#killIdle("lame-duck");
		this.#maybeFinish();
	}

	/** Drain then close: waiters are still served, loans close when returned. */
	close(): Promise<void> {
		if (this.#state === OPEN || this.#state === LAME_DUCK)
			this.#state = CLOSING;
		if (this.#waiters.size === 0) this.#killIdle("closed");
		return this.#whenDone();
	}

	/** Fail everything now. */
	destroy(cause?: Error): Promise<void> {
		if (this.#state !== DESTROYED) {
			this.#state = DESTROYED;
			const err = new PoolClosedError("the connection pool was destroyed", {
				network: this.network,
				address: this.address,
				cause,
			});
			for (const w of [...this.#waiters]) this.#fail(w, err);
			for (const next of this.#dialQueue.splice(0)) next(err);
			for (const ac of [...this.#dialAborts]) ac.abort(err);
			for (const slot of [...this.#slots]) {
				if (slot.loan !== null) slot.loan.discard();
				else slot.kill("destroyed");
			}
		}
		return this.#whenDone();
	}

	#killIdle(reason: string): void {
		for (const slot of this.#slots) if (slot.idle) slot.kill(reason);
	}

	#whenDone(): Promise<void> {
		if (this.#done === undefined)
			this.#done = new Promise<void>((resolve) => {
				this.#resolveDone = resolve;
			});
		this.#maybeFinish();
		return this.#done;
	}

	/** Once nothing is lent and nobody waits: abort leftover dials, drain and clear generic-pool. */
	#maybeFinish(): void {
		if (
			this.#state === OPEN ||
			this.#finishing ||
			this.#active > 0 ||
			this.#pending > 0
		)
			return;
		this.#finishing = true;
		if (this.#timer !== undefined) clearTimeout(this.#timer);
		this.#timer = undefined;
		const err = this.#stateError();
		for (const next of this.#dialQueue.splice(0)) next(err);
		for (const ac of [...this.#dialAborts]) ac.abort(err);
		this.#pool
			.drain()
			.then(() => this.#pool.clear())
			.then(() => {
				for (const slot of [...this.#slots]) slot.kill("closed");
				if (channels.close.hasSubscribers)
					channels.close.publish({
						network: this.network,
						address: this.address,
					});
				if (this.#done === undefined) this.#done = RESOLVED;
				this.#resolveDone?.();
			});
	}

	/** Resolves once this address pool has fully shut down (after lame duck/close/destroy). */
	whenDone(): Promise<void> {
		return this.#whenDone();
	}

	// ---- counters --------------------------------------------------------------------------

	get numActive(): number {
		return this.#active;
	}

	get numIdle(): number {
		return this.#idle;
	}

	get highWaterMark(): number {
		return this.#highWaterMark;
	}

	/** Whether a `get` would be served now without waiting for a loan to come back. */
	get hasCapacity(): boolean {
		const max = this.#o.maxActiveConnections;
		return this.#idle > 0 || max === 0 || this.#active + this.#pending < max;
	}

	stats(): AddressPoolStats {
		return {
			network: this.network,
			address: this.address,
			active: this.#active,
			idle: this.#idle,
			pending: this.#pending,
			highWaterMark: this.#highWaterMark,
			dials: this.#dials,
			dialFailures: this.#dialFailures,
			discards: this.#discards,
			lameDuck: this.#state !== OPEN,
		};
	}
}
