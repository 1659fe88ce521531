// Parse every ```mermaid block of the Markdown files given with Mermaid's own parser (mermaid.parse, in Node,
// its DOM from jsdom). Prints {"diagrams": n, "types": [...], "errors": [{file, index, error}]}; exits 1 on an error.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const report = { diagrams: 0, types: [], errors: [] };
for (const file of process.argv.slice(2)) {
  const blocks = [...readFileSync(file, "utf8").matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1]);
  for (const [index, text] of blocks.entries()) {
    report.diagrams += 1;
    try {
      const parsed = await mermaid.parse(text);
      if (!report.types.includes(parsed.diagramType)) report.types.push(parsed.diagramType);
    } catch (error) {
      report.errors.push({ file, index, error: String(error?.message ?? error).split("\n").slice(0, 3).join(" ") });
    }
  }
}
console.log(JSON.stringify(report));
process.exit(report.errors.length ? 1 : 0);
