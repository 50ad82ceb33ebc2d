/** Formats an integer with thousands separators (`12,345`). */
export function int(n: number): string {
	return Math.round(n).toLocaleString("en-US");
}

/** Formats milliseconds with a precision that suits the magnitude (`0.42 ms`, `12.3 ms`). */
export function ms(n: number): string {
	return `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)} ms`;
}

/** Formats a ratio as a percentage (`93.4%`); `-` when there is nothing to divide. */
export function pct(part: number, whole: number): string {
	return whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`;
}

/**
 * Renders rows as a plain-text table: a header line, a rule, one line per row. Numbers are
 * right-aligned (and get separators), text left-aligned.
 */
export function table(
	headers: readonly string[],
	rows: readonly (readonly (string | number)[])[],
	indent = "  ",
): string {
	const cells = rows.map((r) =>
		r.map((c) => (typeof c === "number" ? int(c) : c)),
	);
	const numeric = headers.map((_, i) =>
		rows.every((r) => typeof r[i] === "number"),
	);
	const widths = headers.map((h, i) =>
		Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)),
	);
	const line = (r: readonly string[]): string =>
		indent +
		r
			.map((c, i) =>
				numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
			)
			.join("  ")
			.trimEnd();
	return [
		line(headers),
		indent + widths.map((w) => "─".repeat(w)).join("  "),
		...cells.map(line),
	].join("\n");
}
