import type { Socket } from "node:net";
import type { PooledConnection } from "./pooled-connection.js";

/** What a slot tells its address pool. */
export interface SlotOwner {
	/** The slot's socket closed, errored or was destroyed; `wasIdle` if it sat in the idle set. */
	slotDied(slot: Slot, reason: string, wasIdle: boolean): void;
}

/**
 * The resource generic-pool holds for one address: a live socket, or (a "failed slot") the
 * error of a dial that failed. generic-pool retries forever when `factory.create` rejects
 * (coopernurse/node-pool issues 175 and 183), so our create never rejects: it resolves with a
 * failed slot, which the waiter that receives it turns into a rejected `get`.
 */
export class Slot {
	readonly owner: SlotOwner;
	readonly socket: Socket | null;
	/** The dial error of a failed slot; undefined for a live one. */
	readonly error: unknown;
	/** Failed slots: sequence number at failure, compared with the `get` that receives it. */
	readonly seq: number;
	alive: boolean;
	/** Counted in the owner's idle set (alive, released, not yet handed out again). */
	idle = false;
	idleSince = 0;
	/** Times handed out. */
	uses = 0;
	/** The connection currently borrowing this slot. */
	loan: PooledConnection | null = null;

	constructor(
		owner: SlotOwner,
		socket: Socket | null,
		error: unknown,
		seq: number,
	) {
		this.owner = owner;
		this.socket = socket;
		this.error = error;
		this.seq = seq;
		this.alive = socket !== null;
		if (socket !== null) {
			// Permanent listeners: a background failure never becomes an unhandled 'error'.
			socket.on("error", this.#onError);
			socket.on("close", this.#onClose);
			// Start reading now (a fresh socket reads only once someone asks): an idle socket must
			// see the peer's FIN/RST. Bytes read stay buffered for the borrower (flowing stays null,
			// so a later 'data' listener still gets them). godropbox never notices a dead idle
			// connection before handing it out; we do.
			socket.read(0);
		}
	}

	#onError = (): void => {
		this.#die("error");
	};

	#onClose = (): void => {
		this.#die("closed");
	};

	#die(reason: string): void {
		if (!this.alive) return;
		this.alive = false;
		const wasIdle = this.idle;
		if (wasIdle) this.idle = false;
		this.owner.slotDied(this, reason, wasIdle);
	}

	/**
	 * Alive and safe to hand out. A socket destroyed by someone else emits 'close' only on a
	 * later tick, so check `destroyed` (and the write side) too; a stale one is killed here.
	 */
	get usable(): boolean {
		if (!this.alive) return false;
		const socket = this.socket as Socket;
		if (
			!socket.destroyed &&
			socket.writable &&
			socket.readableLength === 0 &&
			!socket.readableEnded
		)
			return true;
		this.kill(socket.readableLength > 0 ? "unexpected-data" : "closed");
		return false;
	}

	/** Marks dead and destroys the socket. Idempotent. */
	kill(reason: string): void {
		this.#die(reason);
		if (this.socket !== null && !this.socket.destroyed) this.socket.destroy();
	}

	/**
	 * Parks the socket: unref it, so an idle pool does not keep the process alive. It keeps
	 * reading (see the constructor), so a peer's FIN or RST closes it while idle and fires our
	 * 'close' listener; stray bytes stay buffered and make it unusable.
	 */
	enterIdle(now: number): void {
		this.idle = true;
		this.idleSince = now;
		(this.socket as Socket).unref();
	}

	/** Un-parks for a borrower. */
	leaveIdle(): void {
		this.idle = false;
		(this.socket as Socket).ref();
	}
}
