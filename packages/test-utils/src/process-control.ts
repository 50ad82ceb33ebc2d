/** Freezes a server process (SIGSTOP): its sockets stay open but nothing is answered. */
export function pauseProcess(pid: number): void {
	process.kill(pid, "SIGSTOP");
}

/** Thaws a process frozen by {@link pauseProcess} (SIGCONT). */
export function resumeProcess(pid: number): void {
	process.kill(pid, "SIGCONT");
}
