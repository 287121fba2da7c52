/** One line on stderr, prefixed with the program's name: `billing-mcp: database /data/billing.db`. */
export const log = (line: string): void => {
  process.stderr.write(`billing-mcp: ${line}\n`);
};
