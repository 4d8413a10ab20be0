/** Environment variables as a process receives them; read from `process.env` only at a composition root. */
export type Env = Readonly<Record<string, string | undefined>>;
