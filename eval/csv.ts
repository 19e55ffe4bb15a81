import { readFileSync } from "node:fs";

/** One CSV line split into fields (RFC 4180 quoting: "a,b" and "" for a quote). */
function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') field += line[++i];
      else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** A header-first CSV file as records keyed by column name (values as strings, "" when empty). */
export function readCsv(url: URL): Record<string, string>[] {
  const lines = readFileSync(url, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.length > 0);
  const header = splitLine(lines[0] ?? "");
  return lines.slice(1).map((line) => {
    const fields = splitLine(line);
    return Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ""]));
  });
}
