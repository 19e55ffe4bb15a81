/**
 * Renders variables in the dotenv format `wrangler dev` reads from `.dev.vars`. Values are
 * single-quoted, which dotenv parsers take literally (JSON keys keep their double quotes and
 * backslashes); a value with a single quote or a line break cannot be written so and is refused.
 */
export function renderDevVars(vars: Record<string, string>): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (/['\r\n]/.test(value)) throw new Error(`${name} holds a character .dev.vars cannot carry unescaped`);
    return `${name}='${value}'`;
  });
  return `# Written by \`npm run dev\` on every start; do not edit or commit.\n${lines.join("\n")}\n`;
}
