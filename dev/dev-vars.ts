/**
 * Renders variables in the dotenv format `wrangler dev` reads from `.dev.vars`. Values are
 * double-quoted; dotenv parsers do not agree on escapes, so a value that would need one (a double
 * quote, a backslash or a line break) is refused rather than written wrongly.
 */
export function renderDevVars(vars: Record<string, string>): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (/["\\\r\n]/.test(value)) throw new Error(`${name} holds a character .dev.vars cannot carry unescaped`);
    return `${name}="${value}"`;
  });
  return `# Written by \`npm run dev\` on every start; do not edit or commit.\n${lines.join("\n")}\n`;
}
