/** An expected failure in a command: printed as one line `edgeplan: <message>`, exit code 2. */
export class UsageError extends Error {}

/** Output sink of the CLI (stdout by default; tests capture it). */
export type Out = (line: string) => void;
